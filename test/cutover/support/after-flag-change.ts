import type { FlagWriter } from '@neo/data/cutover';

/** `writer`, with `then` run after each flag change it made (e.g. to time it, or to make the services reread the flags). */
export function afterFlagChange(writer: FlagWriter, then: () => void | Promise<void>): FlagWriter {
  return {
    read: (service) => writer.read(service),
    describe: () => writer.describe(),
    setReadPercent: async (service, percent) => {
      await writer.setReadPercent(service, percent);
      await then();
    },
    setWriteSide: async (service, side) => {
      await writer.setWriteSide(service, side);
      await then();
    },
  };
}
