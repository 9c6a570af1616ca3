import { describe, expect, it } from 'vitest';
import { parseConninfo, withHostAndPort } from './conninfo.js';

describe('withHostAndPort', () => {
  it('points a replica at another server and keeps its user, password, name and TLS settings', () => {
    const before = "host='127.0.0.1' port='5433' user='postgres' password='it\\'s' application_name='core-replica-1' sslmode=verify-full";
    const after = withHostAndPort(before, '127.0.0.1', 6001);
    expect(Object.fromEntries(parseConninfo(after))).toEqual({
      host: '127.0.0.1',
      port: '6001',
      user: 'postgres',
      password: "it's",
      application_name: 'core-replica-1',
      sslmode: 'verify-full',
    });
  });
});
