import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { createUser } from '../../platform/auth/service.ts';
import { type Database, one, rows, sql } from '../../platform/db/index.ts';
import type { HttpError } from '../../platform/http/errors.ts';
import { seedParticipation } from './seed.ts';
import {
  addComment,
  createIdea,
  createSurvey,
  deleteComment,
  deliverNotifications,
  editComment,
  flagComment,
  ideaById,
  issueSurveyTokens,
  listComments,
  listIdeas,
  listMeasures,
  measureBySlug,
  moderateComment,
  moderationQueue,
  notificationSettings,
  postMeasureUpdate,
  processById,
  questionsOf,
  setFollow,
  setNotificationMode,
  setReaction,
  submitSurvey,
  supportIdea,
  surveyBySlug,
  surveyResults,
  upsertProcess,
  validateAnswers,
  voteComment,
} from './service.ts';

const day = 86_400_000;

describe('participation rules', () => {
  let database: Database;
  let aalen: number;
  const people: string[] = [];
  let seeded: Awaited<ReturnType<typeof seedParticipation>>;

  before(async () => {
    database = await testDatabase();
    aalen = await cityId(database, 'aalen');
    seeded = await seedParticipation(database.db);
    for (let i = 0; i < 4; i++) {
      const u = await createUser(database.db, {
        email: `p${i}@example.org`,
        displayName: `Person ${i}`,
        confirmed: true,
      });
      // Old enough to post links.
      await database.db.execute(
        sql`UPDATE users SET created_at = now() - interval '30 days' WHERE id = ${u.id}`,
      );
      people.push(u.id);
    }
  });
  after(async () => database.close());

  test('demo data: programme measures, ~80 ideas with comments, a closed survey; the seed is idempotent', async () => {
    assert.equal(seeded.ideas, 80);
    assert.ok(seeded.comments > 50, `${seeded.comments} comments`);
    assert.equal(seeded.responses, 140);
    const again = await seedParticipation(database.db);
    assert.equal(again.ideas, 0);
    assert.equal(again.responses, 0);
    const aalenMeasures = await listMeasures(database.db, { cityId: aalen });
    const platform = aalenMeasures.find((m) => m.slug === 'stadt-plattform-bonussystem');
    assert.ok(platform);
    assert.equal(platform.field_of_action, 'Digitale Orte');
    assert.equal(platform.period_start, '2025-03-01');
    assert.equal(platform.period_end, '2027-06-30');
    const heidenheim = await cityId(database, 'heidenheim');
    const hdh = await listMeasures(database.db, { cityId: heidenheim });
    assert.ok(hdh.some((m) => m.slug === 'stadtbaeume-bodenfeuchte'));
    assert.ok(
      !aalenMeasures.some((m) => m.slug === 'stadtbaeume-bodenfeuchte'),
      'Heidenheim-only measure not in Aalen',
    );
  });

  test('one reaction per person and kind, also under parallel requests; counters follow the rows', async () => {
    const m = (await measureBySlug(database.db, 'digitaler-zwilling-hochwasser'))!;
    const before = m.likes;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        setReaction(database.db, {
          targetKind: 'measure',
          targetId: m.id,
          userId: people[0]!,
          kind: 'like',
          on: true,
        }),
      ),
    );
    assert.ok(results.every((r) => r.status === 'fulfilled'));
    assert.equal(results.filter((r) => r.status === 'fulfilled' && r.value.changed).length, 1);
    await setReaction(database.db, {
      targetKind: 'measure',
      targetId: m.id,
      userId: people[0]!,
      kind: 'important',
      on: true,
    });
    const after1 = (await measureBySlug(database.db, m.slug))!;
    assert.equal(after1.likes, before + 1);
    const rowsNow = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM participation_reactions WHERE target_kind = 'measure' AND target_id = ${m.id} AND kind = 'like'`,
    );
    assert.equal(rowsNow!.n, after1.likes);
    await setReaction(database.db, {
      targetKind: 'measure',
      targetId: m.id,
      userId: people[0]!,
      kind: 'like',
      on: false,
    });
    await setReaction(database.db, {
      targetKind: 'measure',
      targetId: m.id,
      userId: people[0]!,
      kind: 'like',
      on: false,
    });
    assert.equal((await measureBySlug(database.db, m.slug))!.likes, before);
  });

  test('phase rules: submit only while collecting, support only while rating, with a clear message', async () => {
    const now = Date.now();
    const processId = await upsertProcess(database.db, {
      cityId: aalen,
      slug: 'test-phasen',
      title: 'Test der Phasen',
      description: '',
      categories: [],
      premoderation: false,
      phases: [
        {
          kind: 'collect',
          title: 'Ideen sammeln',
          startsAt: new Date(now - 10 * day),
          endsAt: new Date(now + 10 * day),
        },
        {
          kind: 'rate',
          title: 'Bewerten',
          startsAt: new Date(now + 10 * day),
          endsAt: new Date(now + 20 * day),
        },
      ],
    });
    const process = (await processById(database.db, processId))!;
    const { id } = await createIdea(database.db, {
      process,
      authorId: people[1]!,
      title: 'Mehr Bänke im Park',
      body: 'Im Stadtgarten fehlen Bänke im Schatten.',
      category: '',
    });
    const idea = (await ideaById(database.db, id))!;
    await assert.rejects(
      supportIdea(database.db, { idea, userId: people[2]!, on: true }),
      (err: HttpError) =>
        err.statusCode === 409 &&
        /Unterstützen ist nur in der Phase „Bewerten“ möglich/.test(err.message) &&
        /ab /.test(err.message),
    );
    // In the rating phase: support works once per person, in parallel too.
    const later = new Date(now + 12 * day);
    const all = await Promise.all(
      Array.from({ length: 6 }, () =>
        supportIdea(database.db, { idea, userId: people[2]!, on: true, now: later }),
      ),
    );
    assert.equal(all.filter((r) => r.changed).length, 1);
    assert.equal((await ideaById(database.db, id))!.supports, 1);
    await assert.rejects(
      createIdea(database.db, {
        process,
        authorId: people[1]!,
        title: 'Noch eine Idee',
        body: 'Zu spät eingereicht.',
        category: '',
        now: later,
      }),
      (err: HttpError) =>
        err.statusCode === 409 && /Ideen einreichen ist nur in der Phase „Ideen sammeln“/.test(err.message),
    );
    const page = await listIdeas(database.db, { processId, sort: 'unterstuetzt', limit: 10, offset: 0 });
    assert.equal(page[0]!.id, id);
  });

  test('comments: threads to depth 3, votes once, edit window, own delete, flags → queue, hiding shows the reason', async () => {
    const m = (await measureBySlug(database.db, 'freies-wlan'))!;
    const base = { targetKind: 'measure', targetId: m.id, cityId: aalen };
    const a = await addComment(database.db, { ...base, authorId: people[0]!, body: 'Erster Kommentar' });
    const b = await addComment(database.db, {
      ...base,
      authorId: people[1]!,
      body: 'Antwort',
      parentId: a.id,
    });
    const c = await addComment(database.db, {
      ...base,
      authorId: people[2]!,
      body: 'Antwort auf Antwort',
      parentId: b.id,
    });
    await assert.rejects(
      addComment(database.db, { ...base, authorId: people[3]!, body: 'Zu tief', parentId: c.id }),
      (err: HttpError) => err.statusCode === 422,
    );
    const tree = await listComments(database.db, 'measure', m.id);
    assert.equal(tree[0]!.replies[0]!.replies[0]!.body, 'Antwort auf Antwort');
    assert.equal((await measureBySlug(database.db, m.slug))!.comment_count, m.comment_count + 3);

    await voteComment(database.db, { id: a.id, userId: people[1]!, value: 1 });
    await voteComment(database.db, { id: a.id, userId: people[1]!, value: 1 });
    const flipped = await voteComment(database.db, { id: a.id, userId: people[1]!, value: -1 });
    assert.deepEqual(flipped, { ups: 0, downs: 1 });
    await assert.rejects(voteComment(database.db, { id: a.id, userId: people[0]!, value: 1 }));

    await editComment(database.db, { id: a.id, userId: people[0]!, body: 'Erster Kommentar, korrigiert' });
    await assert.rejects(
      editComment(database.db, { id: a.id, userId: people[1]!, body: 'fremd' }),
      (e: HttpError) => e.statusCode === 403,
    );
    await assert.rejects(
      editComment(database.db, {
        id: a.id,
        userId: people[0]!,
        body: 'zu spät',
        now: new Date(Date.now() + 16 * 60_000),
      }),
      (e: HttpError) => e.statusCode === 409,
    );

    await flagComment(database.db, { id: b.id, userId: people[3]!, reason: 'beleidigend' });
    await flagComment(database.db, { id: b.id, userId: people[3]!, reason: 'nochmal' });
    const queue = await moderationQueue(database.db, [aalen]);
    const item = queue.find((q) => q.id === b.id);
    assert.equal(item?.flag_count, 1);
    assert.equal(
      (await moderationQueue(database.db, [await cityId(database, 'heidenheim')])).some((q) => q.id === b.id),
      false,
    );
    await assert.rejects(
      moderateComment(database.db, {
        id: b.id,
        actorId: people[3]!,
        action: 'hide',
        reason: 'Beleidigung',
        cityAllowed: () => false,
      }),
      (e: HttpError) => e.statusCode === 403,
    );
    await moderateComment(database.db, {
      id: b.id,
      actorId: people[3]!,
      action: 'hide',
      reason: 'Beleidigung',
      cityAllowed: () => true,
    });
    const hidden = (await listComments(database.db, 'measure', m.id))[0]!.replies[0]!;
    assert.equal(hidden.status, 'hidden');
    assert.equal(hidden.body, '');
    assert.equal(hidden.hidden_reason, 'Beleidigung');
    const audit = await one(
      database.db,
      sql`SELECT 1 FROM audit_log WHERE action = 'participation.comment.hide'`,
    );
    assert.ok(audit);

    await deleteComment(database.db, { id: c.id, userId: people[2]! });
    const afterDelete = await listComments(database.db, 'measure', m.id);
    assert.equal(afterDelete[0]!.replies[0]!.replies.length, 0, 'a deleted leaf disappears');
  });

  test('pre-moderation: pending comments show only to their author and moderators; links limited for new accounts', async () => {
    const m = (await measureBySlug(database.db, 'mobilitaetsstationen'))!;
    const base = { targetKind: 'measure', targetId: m.id, cityId: aalen };
    const p = await addComment(database.db, {
      ...base,
      authorId: people[0]!,
      body: 'Wartet auf Freigabe',
      premoderated: true,
    });
    assert.equal(p.status, 'pending');
    assert.equal((await listComments(database.db, 'measure', m.id)).length, 0);
    assert.equal((await listComments(database.db, 'measure', m.id, { userId: people[0] })).length, 1);
    assert.equal((await listComments(database.db, 'measure', m.id, { moderator: true })).length, 1);
    await moderateComment(database.db, {
      id: p.id,
      actorId: people[3]!,
      action: 'approve',
      cityAllowed: () => true,
    });
    assert.equal((await listComments(database.db, 'measure', m.id)).length, 1);

    const fresh = await createUser(database.db, {
      email: 'neu@example.org',
      displayName: 'Neu',
      confirmed: true,
    });
    await assert.rejects(
      addComment(database.db, { ...base, authorId: fresh.id, body: 'Billig kaufen: https://spam.example' }),
      (e: HttpError) => e.statusCode === 422 && /Links/.test(e.message),
    );
    // Rate limit: the sixth comment in ten minutes is refused.
    for (let i = 0; i < 5; i++)
      await addComment(database.db, { ...base, authorId: fresh.id, body: `Kommentar ${i}` });
    await assert.rejects(
      addComment(database.db, { ...base, authorId: fresh.id, body: 'Noch einer' }),
      (e: HttpError) => e.statusCode === 429,
    );
  });

  test('surveys: validation, one response per account, anonymous tokens are one-time and leave no link to a person', async () => {
    const heidenheim = await cityId(database, 'heidenheim');
    const now = Date.now();
    const id = await createSurvey(database.db, {
      cityId: heidenheim,
      slug: 'test-umfrage',
      title: 'Testumfrage',
      description: '',
      mode: 'token',
      liveResults: true,
      opensAt: new Date(now - day),
      closesAt: new Date(now + day),
      questions: [
        { kind: 'single', prompt: 'Farbe?', options: ['Rot', 'Blau'], required: true },
        { kind: 'ranking', prompt: 'Reihenfolge?', options: ['A', 'B', 'C'] },
        { kind: 'text', prompt: 'Sonst?' },
      ],
    });
    const survey = (await surveyBySlug(database.db, heidenheim, 'test-umfrage'))!;
    const qs = await questionsOf(database.db, id);
    const bad = validateAnswers(qs, {
      [`q${qs[1]!.id}_0`]: '1',
      [`q${qs[1]!.id}_1`]: '1',
      [`q${qs[1]!.id}_2`]: '3',
    });
    assert.ok(bad.errors[`q${qs[0]!.id}`], 'required single choice');
    assert.match(bad.errors[`q${qs[1]!.id}`]!, /genau einmal/);
    const good = validateAnswers(qs, {
      [`q${qs[0]!.id}`]: '1',
      [`q${qs[1]!.id}_0`]: '2',
      [`q${qs[1]!.id}_1`]: '3',
      [`q${qs[1]!.id}_2`]: '1',
      [`q${qs[2]!.id}`]: 'geheim',
    });
    assert.deepEqual(good.errors, {});
    assert.deepEqual(good.answers[qs[1]!.id], [2, 0, 1]);

    const [t1, t2] = await issueSurveyTokens(database.db, { survey, count: 2, actorId: people[3]! });
    await submitSurvey(database.db, { survey, answers: good.answers, token: t1 });
    await assert.rejects(
      submitSurvey(database.db, { survey, answers: good.answers, token: t1 }),
      (e: HttpError) => e.statusCode === 422,
    );
    await assert.rejects(submitSurvey(database.db, { survey, answers: good.answers, token: 'falsch' }));
    await submitSurvey(database.db, { survey, answers: good.answers, token: t2 });
    // The response table has no column that could point to a person, a token or a time of day.
    const cols = await rows<{ column_name: string }>(
      database.db,
      sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'participation_survey_responses' ORDER BY 1`,
    );
    assert.deepEqual(
      cols.map((c) => c.column_name),
      ['answers', 'id', 'submitted_on', 'survey_id'],
    );
    const publicResults = await surveyResults(database.db, survey);
    assert.equal(publicResults.responses, 2);
    assert.deepEqual(publicResults.questions[0]!.counts, [0, 2]);
    assert.equal(publicResults.questions[2]!.texts, undefined, 'free text is not public');
    assert.deepEqual((await surveyResults(database.db, survey, true)).questions[2]!.texts, [
      'geheim',
      'geheim',
    ]);

    const accountSurvey = (await surveyBySlug(database.db, aalen, 'stadt-plattform'))!;
    const aq = await questionsOf(database.db, accountSurvey.id);
    const ans = validateAnswers(aq, { [`q${aq[0]!.id}`]: '0', [`q${aq[2]!.id}`]: '4' });
    assert.deepEqual(ans.errors, {});
    const parallel = await Promise.allSettled(
      [1, 2, 3].map(() =>
        submitSurvey(database.db, { survey: accountSurvey, answers: ans.answers, userId: people[1] }),
      ),
    );
    assert.equal(parallel.filter((r) => r.status === 'fulfilled').length, 1);
    const closedSurvey = (await surveyBySlug(database.db, heidenheim, 'mobilitaet-innenstadt'))!;
    await assert.rejects(
      submitSurvey(database.db, { survey: closedSurvey, answers: {}, userId: people[1] }),
      (e: HttpError) => e.statusCode === 409,
    );
  });

  test('notifications: one mail per person and hour per process, daily digest, unsubscribe link in every mail', async () => {
    const m = (await measureBySlug(database.db, 'digitale-stelen'))!;
    const follower = people[0]!;
    const digestPerson = people[1]!;
    await setFollow(database.db, { userId: follower, targetKind: 'measure', targetId: m.id, on: true });
    await setFollow(database.db, { userId: digestPerson, targetKind: 'measure', targetId: m.id, on: true });
    await notificationSettings(database.db, follower);
    await setNotificationMode(database.db, digestPerson, 'digest');
    const mailsTo = async (userId: string) =>
      (await one<{ n: number }>(
        database.db,
        sql`SELECT count(*)::int AS n FROM mail_outbox o JOIN users u ON lower(u.email) = lower(o.to_address)
              WHERE u.id = ${userId} AND o.purpose = 'participation_notification'`,
      ))!.n;
    const update = (title: string) =>
      postMeasureUpdate(database.db, {
        measure: m,
        actorId: people[3]!,
        status: 'in_umsetzung',
        progress: 40,
        title,
        body: 'Text',
        baseUrl: 'http://x',
      });
    const t0 = new Date();
    await update('Erstes Update');
    await update('Zweites Update');
    await deliverNotifications(database.db, 'http://x', t0);
    assert.equal(await mailsTo(follower), 1, 'two events, one mail');
    await update('Drittes Update');
    await deliverNotifications(database.db, 'http://x', new Date(t0.getTime() + 30 * 60_000));
    assert.equal(await mailsTo(follower), 1, 'no second mail within the hour');
    await deliverNotifications(database.db, 'http://x', new Date(t0.getTime() + 61 * 60_000));
    assert.equal(await mailsTo(follower), 2, 'the held event goes out after the hour');
    assert.equal(await mailsTo(digestPerson), 1, 'digest: first digest at once');
    await update('Viertes Update');
    await deliverNotifications(database.db, 'http://x', new Date(t0.getTime() + 5 * 3600_000));
    assert.equal(await mailsTo(digestPerson), 1, 'digest: not again on the same day');
    await deliverNotifications(database.db, 'http://x', new Date(t0.getTime() + 25 * 3600_000));
    assert.equal(await mailsTo(digestPerson), 2);
    const last = await one<{ text_body: string }>(
      database.db,
      sql`SELECT text_body FROM mail_outbox WHERE purpose = 'participation_notification' ORDER BY id DESC LIMIT 1`,
    );
    assert.match(last!.text_body, /Abmelden: http:\/\/x\/beteiligung\/abmelden\/[\w-]+/);
  });
});
