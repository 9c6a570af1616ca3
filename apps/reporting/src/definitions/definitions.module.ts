import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { DefinitionsController } from './definitions.controller.js';
import { DefinitionsService } from './definitions.service.js';

/** Report definitions. The data client comes from the global `DataModule`. */
@Module({
  controllers: [DefinitionsController],
  providers: [DefinitionsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
  exports: [DefinitionsService],
})
export class DefinitionsModule {}
