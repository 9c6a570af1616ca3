/** One delivery attempt of a message. */
export interface Delivery {
  id: string;
  recipient: string;
  topic: string;
  payload: unknown;
  attempt: number;
}

/** Sends a message; throws (with a message naming why) when the recipient did not accept it. */
export abstract class Deliverer {
  abstract deliver(delivery: Delivery): Promise<void>;
}

/**
 * POSTs the payload as JSON to the recipient URL. A 2xx answer is a delivery; anything else,
 * a timeout or a network error is a failed attempt. The message id travels as `Idempotency-Key`:
 * if a worker's claim expires while a slow recipient still processes the message (the one case
 * where a message is sent twice), the recipient can tell the repeat.
 */
export class WebhookDeliverer extends Deliverer {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  async deliver(delivery: Delivery): Promise<void> {
    const response = await fetch(delivery.recipient, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': delivery.id,
        'x-neo-topic': delivery.topic,
        'x-neo-attempt': String(delivery.attempt),
      },
      body: JSON.stringify(delivery.payload),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`the recipient answered HTTP ${response.status}`);
  }
}
