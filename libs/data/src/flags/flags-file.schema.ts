import { z } from 'zod';

/**
 * The flags file (config/flags.yaml): the file provider's flags, in a short form people edit.
 * Every flag is one of:
 *   <name>: true | false                       a switch (on for everyone / off)
 *   <name>: { rollout: 10 }                    flexibleRollout: 10 % of users, sticky by userId
 *   <name>: { enabled, rollout, stickiness, groupId }
 *   <name>: { enabled, strategies: [...] }     Unleash's own strategy list (default, flexibleRollout)
 */

/** Unleash flag names: letters, digits and `_ . - ~` (they appear in admin API paths). */
const flagNameSchema = z.string().regex(/^[A-Za-z0-9_.~-]+$/, 'use letters, digits and "_", ".", "-", "~" (the names Unleash accepts)');

const percentSchema = z.coerce.number().int('expected a whole percentage').min(0, 'expected 0..100').max(100, 'expected 0..100');

const stickinessSchema = z.enum(['userId', 'sessionId', 'default', 'random']);

const defaultStrategySchema = z.strictObject({
  name: z.literal('default'),
  parameters: z.record(z.string(), z.string()).optional(),
});

const flexibleRolloutStrategySchema = z.strictObject({
  name: z.literal('flexibleRollout'),
  parameters: z.strictObject({
    rollout: percentSchema,
    stickiness: stickinessSchema.default('default'),
    groupId: z.string().optional(),
  }),
});

const strategySchema = z.discriminatedUnion('name', [defaultStrategySchema, flexibleRolloutStrategySchema], {
  error: 'expected a strategy named "default" or "flexibleRollout" (the only ones the file provider evaluates)',
});

const flagObjectSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    rollout: percentSchema.optional(),
    stickiness: stickinessSchema.optional(),
    groupId: z.string().optional(),
    description: z.string().optional(),
    strategies: z.array(strategySchema).optional(),
  })
  .refine((flag) => !(flag.strategies && (flag.rollout !== undefined || flag.stickiness || flag.groupId)), {
    message: 'give either "rollout" (with optional "stickiness"/"groupId") or "strategies", not both',
  })
  .refine((flag) => flag.rollout !== undefined || (!flag.stickiness && !flag.groupId), {
    message: '"stickiness" and "groupId" need a "rollout"',
  });

export const flagsFileSchema = z.strictObject({
  version: z.literal(1, 'expected version: 1'),
  flags: z
    .record(
      flagNameSchema,
      z.union([z.boolean(), flagObjectSchema], { error: 'expected true, false or a flag object ({ rollout: 10 } …)' }),
    )
    .default({}),
});

export type FlagsFile = z.infer<typeof flagsFileSchema>;
export type FlagEntry = FlagsFile['flags'][string];
