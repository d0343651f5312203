import { type Db, rows, sql } from '../db/index.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** What the mail is for (confirm_email, reset_password …): shown to admins, never its content in logs. */
  purpose: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Every mail goes to the outbox first (in the caller's transaction); with SMTP configured, a sender
 * delivers it, otherwise admins read it in the admin outbox so the demo works without a mail server.
 */
export async function queueMail(db: Db, mail: Mail): Promise<void> {
  await db.execute(sql`INSERT INTO mail_outbox (to_address, subject, text_body, purpose)
    VALUES (${mail.to}, ${mail.subject}, ${mail.text}, ${mail.purpose})`);
}

export interface OutboxMail {
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  purpose: string;
  created_at: Date;
  sent_at: Date | null;
  last_error: string | null;
}

export async function listOutbox(db: Db, limit = 50): Promise<OutboxMail[]> {
  return rows<OutboxMail>(db, sql`SELECT * FROM mail_outbox ORDER BY id DESC LIMIT ${limit}`);
}

/** Sends pending mails over SMTP; a failing mail stays queued with its error and is retried later. */
export async function deliverPending(db: Db, smtpUrl: string, from: string, batch = 20): Promise<number> {
  const { createTransport } = await import('nodemailer');
  const transport = createTransport(smtpUrl);
  const pending = await rows<OutboxMail>(
    db,
    sql`SELECT * FROM mail_outbox WHERE sent_at IS NULL AND attempts < 5 ORDER BY id LIMIT ${batch}`,
  );
  let sent = 0;
  for (const mail of pending) {
    try {
      await transport.sendMail({ from, to: mail.to_address, subject: mail.subject, text: mail.text_body });
      await db.execute(
        sql`UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ${mail.id}`,
      );
      sent++;
    } catch (err) {
      await db.execute(sql`UPDATE mail_outbox SET attempts = attempts + 1, last_error = ${(err as Error).message}
        WHERE id = ${mail.id}`);
    }
  }
  transport.close();
  return sent;
}
