import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface SentMail extends Mail {
  id: number;
  sentAt: string;
}

export interface Mailer {
  /** Sends a mail. Failures are logged, never thrown: a mail is never a reason to undo committed work. */
  send(mail: Mail): Promise<void>;
  /** The dev mailbox when there is no SMTP transport; undefined when mail really leaves the server. */
  readonly mailbox: DevMailbox | undefined;
  close(): void;
}

/** Keeps the most recent mails in memory for development and tests. */
export class DevMailbox {
  private readonly mails: SentMail[] = [];
  private nextId = 1;
  constructor(private readonly capacity = 500) {}

  add(mail: Mail): void {
    this.mails.push({ ...mail, id: this.nextId++, sentAt: new Date().toISOString() });
    if (this.mails.length > this.capacity) this.mails.shift();
  }

  /** Newest first, optionally only those to one address. */
  list(to?: string): SentMail[] {
    const wanted = to?.toLowerCase();
    return this.mails.filter((mail) => wanted === undefined || mail.to.toLowerCase() === wanted).reverse();
  }
}

/** SMTP through `smtpUrl` when set; otherwise the dev mailbox. */
export function createMailer(options: { smtpUrl: string | undefined; from: string; logger: Logger }): Mailer {
  const { smtpUrl, from, logger } = options;
  if (smtpUrl === undefined) {
    const mailbox = new DevMailbox();
    return {
      mailbox,
      async send(mail) {
        mailbox.add(mail);
        logger.info({ to: mail.to, subject: mail.subject }, 'mail kept in the dev mailbox (SMTP_URL is not set)');
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    mailbox: undefined,
    async send(mail) {
      try {
        await transport.sendMail({ from, ...mail });
      } catch (error) {
        logger.error({ err: error, to: mail.to, subject: mail.subject }, 'mail could not be sent');
      }
    },
    close() {
      transport.close();
    },
  };
}
