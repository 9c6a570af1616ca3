import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DataModuleOptions } from './data-module.options.js';

export const {
  ConfigurableModuleClass: ConfigurableDataModule,
  MODULE_OPTIONS_TOKEN: DATA_MODULE_OPTIONS,
  OPTIONS_TYPE: DATA_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: DATA_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<DataModuleOptions>({ moduleName: 'Data' })
  .setClassMethodName('forRoot')
  // `isGlobal: true` lets every feature module of a service inject the client without importing DataModule again.
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
