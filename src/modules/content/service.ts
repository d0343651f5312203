import { type Db, one, sql } from '../../platform/db/index.ts';
import { queueMail } from '../../platform/mail/service.ts';
import type { City, Contact, Region } from '../../platform/tenancy/service.ts';
import type { FieldErrors } from '../../platform/web/forms.tsx';
import type { Locale } from '../../platform/web/i18n.ts';

export const MESSAGE_MAX = 5000;
export const NAME_MAX = 200;
export const EMAIL_MAX = 254;
export const PAGE_MAX = 500;

/** Date of the accessibility statement (BITV 2.0 / L-BGG-DVO: the statement names when it was made). */
export const STATEMENT_DATE = '2026-11-23';

export interface FeedbackInput {
  name: string;
  email: string;
  page: string;
  message: string;
}

// Deliberately loose: one @, no spaces, a dot in the domain. The address only serves a reply.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors as message keys (translated by the page); empty when the input is valid. */
export function validateFeedback(input: FeedbackInput): FieldErrors {
  const errors: FieldErrors = {};
  if (input.name.length > NAME_MAX) errors.name = 'content.feedback.error.nameLong';
  if (input.email && (input.email.length > EMAIL_MAX || !EMAIL_RE.test(input.email)))
    errors.email = 'content.feedback.error.email';
  if (input.page.length > PAGE_MAX) errors.page = 'content.feedback.error.pageLong';
  if (!input.message) errors.message = 'content.feedback.error.messageMissing';
  else if ([...input.message].length > MESSAGE_MAX) errors.message = 'content.feedback.error.messageLong';
  return errors;
}

/** The contact that answers for these pages: the city's, else the region's. */
export function responsibleContact(region: Region, city: City | undefined): Contact {
  return city ? city.contact : region.contact;
}

/** Demo contact data is marked as such ("(Demo)" in a name, or a reserved .example domain). */
export function isDemoContact(contact: Contact): boolean {
  const names = [contact.organisation, contact.representative].filter(Boolean).join(' ');
  const hosts = [contact.email, contact.website].filter(Boolean).join(' ');
  return /\bDemo\b/i.test(names) || /\.example\b/i.test(hosts);
}

/**
 * Stores the feedback and queues a notification to the responsible contact, in one transaction: a
 * message is never stored without its notification, or announced without being stored.
 */
export async function submitFeedback(
  db: Db,
  input: FeedbackInput & { locale: Locale },
  where: { region: Region; city: City | undefined; pageUrl: string },
): Promise<{ id: number; notified: boolean }> {
  const contact = responsibleContact(where.region, where.city);
  // A city without its own address falls back to the region's, so the message still reaches someone.
  const to = contact.email || where.region.contact.email;
  return db.transaction(async (tx) => {
    const row = await one<{ id: string; created_at: Date }>(
      tx,
      sql`INSERT INTO accessibility_feedback (city_id, name, email, page, message, locale)
          VALUES (${where.city?.id ?? null}, ${input.name || null}, ${input.email || null},
            ${input.page || null}, ${input.message}, ${input.locale})
          RETURNING id, created_at`,
    );
    const id = Number(row!.id);
    if (to) {
      const site = where.city ? where.city.name : where.region.name;
      await queueMail(tx, {
        to,
        subject: `Rückmeldung zur Barrierefreiheit #${id} (${site})`,
        purpose: 'accessibility_feedback',
        text: [
          `Über die Erklärung zur Barrierefreiheit (${where.pageUrl}) ist eine Rückmeldung eingegangen.`,
          'Die Erklärung zur Barrierefreiheit sagt eine Antwort innerhalb eines Monats zu.',
          '',
          `Nummer: ${id}`,
          `Eingegangen: ${new Date(row!.created_at).toISOString()}`,
          `Name: ${input.name || '(nicht angegeben)'}`,
          `E-Mail: ${input.email || '(nicht angegeben – keine Antwort möglich)'}`,
          `Betroffene Seite: ${input.page || '(nicht angegeben)'}`,
          `Sprache der Oberfläche: ${input.locale}`,
          '',
          'Nachricht:',
          input.message,
        ].join('\n'),
      });
    }
    return { id, notified: Boolean(to) };
  });
}
