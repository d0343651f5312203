import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { audit } from '../audit/service.ts';
import { rows, sql } from '../db/index.ts';
import { HttpError } from '../http/errors.ts';
import { queueMail } from '../mail/service.ts';
import { requireStaff } from './index.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('admin shell', () => {
  let t: TestApp;
  let aalen: number;
  let heidenheim: number;
  let regionAdmin: Agent;
  let aalenAdmin: Agent;
  let heidenheimEditor: Agent;
  let citizen: Agent;

  const get = (agent: Agent | undefined, url: string) =>
    t.app.inject({ method: 'GET', url, headers: agent ? { cookie: agent.cookie } : {} });
  const post = (agent: Agent, url: string, data: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, cookie: agent.cookie },
      payload: form({ _csrf: agent.csrf, ...data }),
    });
  const rolesOf = (userId: string) =>
    rows<{ role: string; city_id: number | null }>(
      t.database.db,
      sql`SELECT role, city_id FROM role_assignments WHERE user_id = ${userId} ORDER BY city_id NULLS FIRST, role`,
    );

  before(async () => {
    t = await testApp();
    aalen = await cityId(t.database, 'aalen');
    heidenheim = await cityId(t.database, 'heidenheim');
    regionAdmin = await userAgent(t, [{ role: 'admin', city: null }], 'region.admin@example.org');
    aalenAdmin = await userAgent(t, [{ role: 'admin', city: 'aalen' }], 'aalen.admin@example.org');
    heidenheimEditor = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }], 'hdh.editor@example.org');
    citizen = await userAgent(t, [], 'buerger@example.org');
  });
  after(async () => t.close());

  test('requireStaff: 401 when anonymous, 403 without the role, the user otherwise', () => {
    const fake = (user: unknown) => ({ user }) as FastifyRequest;
    const user = {
      id: 'x',
      email: 'x@example.org',
      displayName: 'X',
      roles: new Map([[aalen, new Set(['editor'])]]),
    };
    assert.throws(
      () => requireStaff(fake(undefined), 'editor', 'any'),
      (e: unknown) => e instanceof HttpError && e.statusCode === 401,
    );
    assert.equal(requireStaff(fake(user), 'editor', aalen), user);
    assert.equal(requireStaff(fake(user), 'editor', 'any'), user);
    for (const [role, city] of [
      ['editor', heidenheim],
      ['editor', null],
      ['admin', 'any'],
      ['moderator', aalen],
    ] as const) {
      assert.throws(
        () => requireStaff(fake(user), role, city),
        (e: unknown) => e instanceof HttpError && e.statusCode === 403,
        `${role} ${city}`,
      );
    }
    const region = { ...user, roles: new Map([[0, new Set(['admin'])]]) };
    assert.equal(requireStaff(fake(region), 'editor', heidenheim), region, 'admin implies every role');
    assert.equal(requireStaff(fake(region), 'moderator', null), region);
  });

  test('anonymous visitors are sent to the login; APIs answer problem+json 401', async () => {
    const res = await get(undefined, '/admin/');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login?next=%2Fadmin%2F');
    const users = await get(undefined, '/en/admin/users?q=x');
    assert.equal(users.headers.location, '/en/login?next=%2Fadmin%2Fusers%3Fq%3Dx');
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(api.statusCode, 401);
    assert.match(api.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(api.json().status, 401);
  });

  test('citizens get a 403 page; staff see only their sections', async () => {
    const denied = await get(citizen, '/admin/');
    assert.equal(denied.statusCode, 403);
    assert.match(denied.body, /Kein Zugriff/);

    const editor = await get(heidenheimEditor, '/admin/');
    assert.equal(editor.statusCode, 200);
    assert.match(editor.body, /href="\/admin\/angebote"/);
    assert.doesNotMatch(editor.body, /href="\/admin\/users"/);
    assert.doesNotMatch(editor.body, /href="\/admin\/outbox"/);
    assert.doesNotMatch(editor.body, /href="\/admin\/audit"/);

    const cityAdmin = await get(aalenAdmin, '/admin/');
    assert.match(cityAdmin.body, /href="\/admin\/users"/);
    assert.match(cityAdmin.body, /href="\/admin\/audit"/);
    assert.match(cityAdmin.body, /href="\/admin\/angebote"/, 'admin implies editor');
    assert.doesNotMatch(cityAdmin.body, /href="\/admin\/outbox"/, 'the outbox holds every account’s links');

    const region = await get(regionAdmin, '/admin/');
    for (const href of ['/admin/angebote', '/admin/users', '/admin/audit', '/admin/outbox']) {
      assert.match(region.body, new RegExp(`href="${href}"`));
    }
    assert.equal((await get(heidenheimEditor, '/admin/users')).statusCode, 403);
    assert.equal((await get(citizen, '/admin/audit')).statusCode, 403);
  });

  test('an Aalen admin manages Aalen roles only, and every change is audited', async () => {
    const person = await userAgent(t, [], 'kandidatin@example.org');

    // The list shows people with roles in Aalen; others only by their exact address.
    const list = await get(aalenAdmin, '/admin/users');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /aalen\.admin@example\.org/);
    assert.doesNotMatch(list.body, /hdh\.editor@example\.org/);
    assert.doesNotMatch(list.body, /kandidatin@example\.org/);
    const found = await get(aalenAdmin, '/admin/users?q=KANDIDATIN@example.org');
    assert.match(found.body, /kandidatin@example\.org/);
    const partial = await get(aalenAdmin, '/admin/users?q=kandidatin');
    assert.doesNotMatch(partial.body, /kandidatin@example\.org/);

    const page = await get(aalenAdmin, `/admin/users/${person.userId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<option value="aalen"/);
    assert.doesNotMatch(page.body, /<option value="heidenheim"/);
    assert.doesNotMatch(page.body, /<option value="region"/);

    const foreign = await post(aalenAdmin, `/admin/users/${person.userId}/roles`, {
      role: 'editor',
      city: 'heidenheim',
    });
    assert.equal(foreign.statusCode, 403);
    const region = await post(aalenAdmin, `/admin/users/${person.userId}/roles`, {
      role: 'admin',
      city: 'region',
    });
    assert.equal(region.statusCode, 403);
    assert.deepEqual(await rolesOf(person.userId), []);

    const invalid = await post(aalenAdmin, `/admin/users/${person.userId}/roles`, {
      role: 'kaiser',
      city: 'aalen',
    });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /Wählen Sie eine Rolle aus/);

    const granted = await post(aalenAdmin, `/admin/users/${person.userId}/roles`, {
      role: 'editor',
      city: 'aalen',
    });
    assert.equal(granted.statusCode, 303);
    assert.equal(granted.headers.location, `/admin/users/${person.userId}?vergeben=1`);
    assert.deepEqual(await rolesOf(person.userId), [{ role: 'editor', city_id: aalen }]);
    const shown = await get(aalenAdmin, `/admin/users/${person.userId}?vergeben=1`);
    assert.match(shown.body, /Die Rolle wurde vergeben/);
    assert.match(shown.body, /Redaktion/);

    // A Heidenheim role held by the same person cannot be taken away from Aalen.
    await post(regionAdmin, `/admin/users/${person.userId}/roles`, { role: 'moderator', city: 'heidenheim' });
    const revokeForeign = await post(aalenAdmin, `/admin/users/${person.userId}/roles/revoke`, {
      role: 'moderator',
      city: 'heidenheim',
    });
    assert.equal(revokeForeign.statusCode, 403);
    const revoked = await post(aalenAdmin, `/admin/users/${person.userId}/roles/revoke`, {
      role: 'editor',
      city: 'aalen',
    });
    assert.equal(revoked.statusCode, 303);
    assert.deepEqual(await rolesOf(person.userId), [{ role: 'moderator', city_id: heidenheim }]);

    const entries = await rows<{
      action: string;
      city_id: number | null;
      actor_id: string;
      details: { role: string };
    }>(
      t.database.db,
      sql`SELECT action, city_id, actor_id, details FROM audit_log WHERE entity_id = ${person.userId} ORDER BY id`,
    );
    assert.deepEqual(
      entries.map((e) => [e.action, e.city_id, e.actor_id, e.details.role]),
      [
        ['role.grant', aalen, aalenAdmin.userId, 'editor'],
        ['role.grant', heidenheim, regionAdmin.userId, 'moderator'],
        ['role.revoke', aalen, aalenAdmin.userId, 'editor'],
      ],
    );

    // The new role takes effect on the person's next request.
    await post(aalenAdmin, `/admin/users/${person.userId}/roles`, { role: 'editor', city: 'aalen' });
    assert.equal((await get(person, '/admin/')).statusCode, 200);
  });

  test('the last region admin cannot be removed', async () => {
    const regionAdmins = await rows<{ user_id: string }>(
      t.database.db,
      sql`SELECT user_id FROM role_assignments WHERE role = 'admin' AND city_id IS NULL`,
    );
    assert.equal(regionAdmins.length, 1);
    const res = await post(regionAdmin, `/admin/users/${regionAdmin.userId}/roles/revoke`, {
      role: 'admin',
      city: 'region',
    });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /letzte Administration der ganzen Region/);
    assert.equal((await rolesOf(regionAdmin.userId)).length, 1);
  });

  test('audit log: each admin sees the entries of their cities', async () => {
    await audit(t.database.db, {
      actorId: regionAdmin.userId,
      cityId: heidenheim,
      action: 'offer.publish',
      entityType: 'offer',
      entityId: 'hdh-geheim',
    });
    await audit(t.database.db, {
      actorId: regionAdmin.userId,
      cityId: aalen,
      action: 'offer.publish',
      entityType: 'offer',
      entityId: 'aalen-sichtbar',
    });
    const cityView = await get(aalenAdmin, '/admin/audit');
    assert.equal(cityView.statusCode, 200);
    assert.match(cityView.body, /aalen-sichtbar/);
    assert.doesNotMatch(cityView.body, /hdh-geheim/);
    const regionView = await get(regionAdmin, '/admin/audit');
    assert.match(regionView.body, /aalen-sichtbar/);
    assert.match(regionView.body, /hdh-geheim/);
  });

  test('mail outbox: region admins read every mail with clickable links, nobody else', async () => {
    await queueMail(t.database.db, {
      to: 'jemand@example.org',
      subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse',
      text: `Hallo,\n\n${t.config.baseUrl}/confirm?token=abc123\n`,
      purpose: 'confirm_email',
    });
    const res = await get(regionAdmin, '/admin/outbox');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /jemand@example\.org/);
    assert.match(res.body, /href="http:\/\/localhost:\d+\/confirm\?token=abc123"/);
    assert.equal((await get(aalenAdmin, '/admin/outbox')).statusCode, 403);
    assert.equal((await get(heidenheimEditor, '/admin/outbox')).statusCode, 403);
  });

  test('unknown or malformed user ids are a 404', async () => {
    assert.equal((await get(regionAdmin, '/admin/users/nicht-da')).statusCode, 404);
    assert.equal(
      (await get(regionAdmin, '/admin/users/00000000-0000-0000-0000-000000000000')).statusCode,
      404,
    );
  });
});
