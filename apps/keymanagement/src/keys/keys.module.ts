import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { KeyCryptoService } from './key-crypto.service.js';
import { KeysController } from './keys.controller.js';
import { KeysService } from './keys.service.js';

/** Key, rotation, encrypt and decrypt endpoints. The data client and the master key come from the app module. */
@Module({
  controllers: [KeysController],
  providers: [KeysService, KeyCryptoService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class KeysModule {}
