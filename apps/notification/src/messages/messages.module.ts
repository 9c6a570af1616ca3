import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { DeliveryWorker } from '../delivery/delivery-worker.js';
import { MessageOutbox } from '../delivery/message-outbox.js';
import { Deliverer, WebhookDeliverer } from '../delivery/webhook-deliverer.js';
import { WORKER_SETTINGS, type WorkerSettings } from '../delivery/worker-settings.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

/** The outbox's endpoints and this instance's delivery worker. The data client comes from the global `DataModule`. */
@Module({
  controllers: [MessagesController],
  providers: [
    MessagesService,
    MessageOutbox,
    DeliveryWorker,
    { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() },
    {
      provide: Deliverer,
      inject: [WORKER_SETTINGS],
      useFactory: (settings: WorkerSettings) => new WebhookDeliverer(settings.deliveryTimeoutMs),
    },
  ],
})
export class MessagesModule {}
