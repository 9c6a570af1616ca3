import { describe, expect, it } from 'vitest';
import type { Side } from '../selection/index.js';
import type { DataNode } from '@neo/topology';
import { assessReadiness, type PlacementFacts, type ProbedNode } from './data-health.readiness.js';

type State = 'up' | 'down' | 'lagging';

/** A node of `side` on `database`; `lagging`: it answers but routing keeps reads off it. */
function node(side: Side, database: string, role: 'primary' | 'replica', state: State, name = `${role}-1`): ProbedNode {
  const schema = side === 'monolith' ? 'storage' : undefined;
  const dataNode = {
    cluster: side === 'monolith' ? 'monolith' : 'core',
    node: name,
    role,
    database,
    ...(schema ? { schema } : {}),
  } as DataNode;
  return {
    node: dataNode,
    label: `${dataNode.cluster}/${name}/${database}${schema ? `/${schema}` : ''}`,
    side,
    probe: state === 'down' ? { status: 'down', reason: 'ECONNREFUSED' } : { status: 'up', latencyMs: 1 },
    ...(role === 'replica' ? { inRotation: state === 'up' } : {}),
  };
}

const ownOnly: PlacementFacts = { writes: 'service', reads: 'service' };
const onMonolith: PlacementFacts = { writes: 'monolith', reads: 'by-user' };

describe('assessReadiness', () => {
  it('is up when every node of the side in use answers', () => {
    const readiness = assessReadiness(
      [node('service', 'neo_oracle', 'primary', 'up'), node('service', 'neo_oracle', 'replica', 'up')],
      ownOnly,
    );
    expect(readiness).toEqual({
      status: 'up',
      reads: { status: 'up', sides: ['service'], unavailable: [] },
      writes: { status: 'up', side: 'service', unavailable: [] },
      nodesDown: [],
    });
  });

  it('keeps reads up while replicas serve them with the primary down, and reports only the writes down', () => {
    const readiness = assessReadiness(
      [node('service', 'neo_oracle', 'primary', 'down'), node('service', 'neo_oracle', 'replica', 'up')],
      ownOnly,
    );
    expect(readiness.status).toBe('degraded');
    expect(readiness.reads).toMatchObject({ status: 'up', unavailable: [] });
    expect(readiness.writes).toEqual({ status: 'down', side: 'service', unavailable: ['core/primary-1/neo_oracle'] });
  });

  it('is down when no node can serve reads: the primary is down and the replica answers but is out of rotation', () => {
    const readiness = assessReadiness(
      [node('service', 'neo_oracle', 'primary', 'down'), node('service', 'neo_oracle', 'replica', 'lagging')],
      ownOnly,
    );
    expect(readiness.status).toBe('down');
    expect(readiness.reads).toMatchObject({ status: 'down', unavailable: ['core/neo_oracle'] });
  });

  it('ignores the side not in use: the service on the monolith with its own primary down is up', () => {
    const nodes = [node('service', 'neo_storage', 'primary', 'down'), node('monolith', 'neo_service_layer', 'primary', 'up')];
    // Every read goes to the own databases (a 100 % reads rollout): they are in use.
    expect(assessReadiness(nodes, { writes: 'monolith', reads: 'service' }).status).toBe('down');
    const readiness = assessReadiness(nodes, onMonolith);
    // Reads by user: the own databases serve the users of the rollout, so they are in use, but not for every read.
    expect(readiness).toMatchObject({
      status: 'degraded',
      reads: { status: 'degraded', unavailable: ['core/neo_storage'] },
      writes: { status: 'up' },
    });
    // After a cutover the monolith serves nothing: its primary down changes nothing.
    const after = assessReadiness(
      [node('service', 'neo_storage', 'primary', 'up'), node('monolith', 'neo_service_layer', 'primary', 'down')],
      { writes: 'service', reads: 'service' },
    );
    expect(after).toMatchObject({ status: 'up', nodesDown: [] });
  });

  it('is down when the monolith serving every read without a user is down', () => {
    const nodes = [node('service', 'neo_storage', 'primary', 'up'), node('monolith', 'neo_service_layer', 'primary', 'down')];
    expect(assessReadiness(nodes, onMonolith)).toMatchObject({
      status: 'down',
      reads: { status: 'down', sides: ['monolith', 'service'] },
      writes: { status: 'down' },
    });
  });

  it('is degraded when one shard of several cannot be read or written', () => {
    const nodes = [
      node('service', 'neo_sc_0', 'primary', 'up'),
      node('service', 'neo_sc_1', 'primary', 'down'),
      node('service', 'neo_sc_1', 'replica', 'down'),
    ];
    expect(assessReadiness(nodes, ownOnly)).toMatchObject({
      status: 'degraded',
      reads: { status: 'degraded', unavailable: ['core/neo_sc_1'] },
      writes: { status: 'degraded', unavailable: ['core/primary-1/neo_sc_1'] },
    });
  });

  it('is degraded, naming it, when only a replica is down', () => {
    const readiness = assessReadiness(
      [node('service', 'neo_oracle', 'primary', 'up'), node('service', 'neo_oracle', 'replica', 'down')],
      ownOnly,
    );
    expect(readiness).toMatchObject({
      status: 'degraded',
      reads: { status: 'up' },
      writes: { status: 'up' },
      nodesDown: ['core/replica-1/neo_oracle'],
    });
  });
});
