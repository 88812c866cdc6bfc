import type { MailDriver } from './types';
import { abortable, abortReason, loadPeer } from './abortable';

export interface SmtpOptions {
  host: string;
  port: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
  requireTLS?: boolean;
  allowSelfSigned?: boolean;
}

/** Email over SMTP through nodemailer; an abort closes the SMTP connection (nodemailer 10.5 and later; older versions stop waiting only). */
export async function createSmtpMailer(options: SmtpOptions): Promise<MailDriver> {
  const mod = await loadPeer('nodemailer', () => import('nodemailer'));
  const nodemailer = (mod as unknown as { default?: typeof mod }).default ?? mod;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTLS ?? false,
    ...(options.auth ? { auth: options.auth } : {}),
    tls: { rejectUnauthorized: !options.allowSelfSigned },
  });
  return {
    async send(message, signal) {
      if (signal.aborted) throw abortReason(signal);
      // nodemailer types the sent-message info as `any`: these are the fields read from it.
      const info = (await abortable(
        transport.sendMail({
          signal,
          from: message.from,
          to: message.to,
          ...(message.cc.length ? { cc: message.cc } : {}),
          ...(message.bcc.length ? { bcc: message.bcc } : {}),
          subject: message.subject,
          ...(message.text !== undefined ? { text: message.text } : {}),
          ...(message.html !== undefined ? { html: message.html } : {}),
        }),
        signal,
      )) as { messageId?: unknown; accepted: unknown[]; rejected: unknown[] };
      return { messageId: String(info.messageId), accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
    },
    async close() {
      transport.close();
    },
  };
}
