// class-transformer's `@Transform` needs the Reflect metadata API; Nest loads it too, this makes the DTOs usable without Nest.
import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isStorableInstant, parseIsoDateTime, STORABLE_RANGE_TEXT } from '../../paging/date-time.js';

/** Constraint names, as validation errors report them (the request validation pipe orders them: type before range). */
export const IS_DATE_TIME = 'isDateTime';
export const IS_STORABLE_INSTANT = 'isStorableInstant';

/**
 * A request field holding an instant: an ISO 8601 date-time with a time zone, given to the
 * handler as a `Date`, within the range PostgreSQL stores and gives back (years 1 to 9999).
 * Anything else (a number, "yesterday", February 30, a year outside the range) is refused with a
 * 400 naming the field, before any query.
 *
 * ```ts
 * class SeriesWindowQuery { @DateTimeField() from!: Date; }
 * ```
 */
export function DateTimeField(options: ValidationOptions = {}): PropertyDecorator {
  const toDate = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseIsoDateTime(value) ?? value) : value));
  const isDateTime = ValidateBy(
    {
      name: IS_DATE_TIME,
      validator: {
        validate: (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime()),
        defaultMessage: () => '$property must be an ISO 8601 date-time with a time zone, such as "2026-01-31T12:00:00Z"',
      },
    },
    options,
  );
  const isStorable = ValidateBy(
    {
      name: IS_STORABLE_INSTANT,
      validator: {
        // Only judged once the value is a date; the type constraint speaks for anything else.
        validate: (value: unknown) => !(value instanceof Date) || isStorableInstant(value),
        defaultMessage: () => `$property must be from ${STORABLE_RANGE_TEXT}`,
      },
    },
    options,
  );
  return (target, property) => {
    toDate(target, property);
    isDateTime(target, property);
    isStorable(target, property);
  };
}
