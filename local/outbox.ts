/**
 * Where every SMS and email goes locally: kept in order, appended to a file in the data folder
 * (so it survives a restart; readable by this user only), printed as it is sent, and served at GET /local/outbox.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { ulid } from 'ulid';

import { nowIso } from '../shared/clock.js';
import type { Notifier } from '../shared/ports/index.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  body: string;
  sentAt: string;
}

export class Outbox {
  private readonly messages: OutboxMessage[] = [];
  private readonly listeners = new Set<(message: OutboxMessage) => void>();

  constructor(
    private readonly file?: string,
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) this.messages.push(JSON.parse(line));
    }
    if (file) mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  }

  add(message: Omit<OutboxMessage, 'id' | 'sentAt'>): OutboxMessage {
    const stored: OutboxMessage = { id: ulid(), ...message, sentAt: nowIso() };
    this.messages.push(stored);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(stored)}\n`, { mode: PRIVATE_FILE_MODE });
    const subject = stored.subject ? ` "${stored.subject}"` : '';
    this.print(`[outbox] ${stored.channel} to ${stored.to}${subject}: ${stored.body}`);
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Calls `listener` with every message from now on (benchmarks); returns the unsubscribe. */
  subscribe(listener: (message: OutboxMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): OutboxMessage[] {
    return [...this.messages];
  }
}

/** Staff emails go to a topic in AWS; locally the outbox names the topic's audience as `to`. */
export function outboxNotifier(outbox: Outbox, optedOut: ReadonlySet<string> = new Set()): Notifier {
  return {
    async isOptedOut(phone) {
      return optedOut.has(phone);
    },
    async sendSms(to, body) {
      return { messageId: outbox.add({ channel: 'sms', to, body }).id };
    },
    async sendStaffEmail(audience, email) {
      return { messageId: outbox.add({ channel: 'email', to: audience, subject: email.subject, body: email.body }).id };
    },
    async sendEmail(to, email) {
      return { messageId: outbox.add({ channel: 'email', to, subject: email.subject, body: email.body }).id };
    },
  };
}
