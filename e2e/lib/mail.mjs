// A real SMTP sink (MailDev) on a free port, and the links Portico mails.
import { MailDev } from 'maildev';
import { eventually, PATIENCE_MS } from './wait.mjs';

export async function startMailSink() {
  const maildev = new MailDev({ smtp: 0, ip: '127.0.0.1', disableWeb: true, silent: true });
  const { smtp } = await maildev.start();
  return {
    port: smtp.getPort(),
    /** Every mail received so far, oldest first. */
    async all() {
      return smtp.getAllEmails();
    },
    /** Waits for a mail to `to` whose subject matches `subject` and that `skip` does not exclude. */
    async waitFor({ to, subject, skip = [] }, timeoutMs = PATIENCE_MS) {
      const matching = (mail) => !skip.includes(mail.id)
        && mail.to.some((recipient) => recipient.address === to)
        && subject.test(mail.subject);
      try {
        return await eventually(`a mail to ${to} matching ${subject}`,
          async () => (await smtp.getAllEmails()).find(matching), { timeoutMs });
      } catch (error) {
        const seen = (await smtp.getAllEmails()).map((mail) => `${mail.to.map((r) => r.address)}: ${mail.subject}`);
        throw new Error(`${error.message}; received: ${JSON.stringify(seen)}`);
      }
    },
    /** The header `name` of `mail` as it was sent (from the raw message; folded lines joined). */
    async header(mail, name) {
      let raw = '';
      for await (const chunk of await smtp.getRawEmail(mail.id)) raw += chunk;
      const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
      const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
      return line?.slice(name.length + 1).trim();
    },
    async stop() {
      await maildev.stop();
    },
  };
}

/**
 * The Portico link in a mail (`/invitations#TOKEN`, `/reset-password#TOKEN`, ...), moved onto
 * `origin`: the server was started on a free port, so it cannot know its own public URL.
 */
export function linkIn(mail, page, origin) {
  const match = mail.text.match(new RegExp(`https?://\\S+?/${page}#[A-Za-z0-9_-]+`));
  if (!match) throw new Error(`no /${page}# link in mail "${mail.subject}":\n${mail.text}`);
  const link = new URL(match[0]);
  return `${origin}${link.pathname}${link.hash}`;
}
