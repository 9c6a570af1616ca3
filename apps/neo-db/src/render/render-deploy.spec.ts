import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '@neo/topology';
import { localServices } from '../local-services.js';
import { findWorkspaceRoot } from '../workspace-paths.js';
import { diffDeploy, renderDeploy } from './render-deploy.js';
import { DeployValidators, documentsOf } from './test-support/deploy-validators.js';

const root = findWorkspaceRoot();
const deployDir = join(root, 'deploy');

describe('neo-db render: deploy/ from config/topology.yaml', () => {
  let rendered: Map<string, string>;
  let validators: DeployValidators;

  beforeAll(async () => {
    rendered = await renderDeploy({ topologyFile: join(root, 'config', 'topology.yaml'), flagsFile: join(root, 'config', 'flags.yaml') });
    validators = new DeployValidators(deployDir);
  });

  it('has the committed files equal to a fresh render (run `npm run neo-db -- render` and commit when this fails)', async () => {
    expect(await diffDeploy(deployDir, rendered)).toEqual([]);
  });

  it('renders a compose file valid against the compose spec, in the seed’s Phase 1 shape', () => {
    const compose = parse(rendered.get('compose/docker-compose.yml')!) as { services: Record<string, Record<string, unknown>> };
    expect(validators.composeProblems(compose)).toEqual([]);
    const names = Object.keys(compose.services);
    for (const expected of [
      'core-primary',
      'core-replica-1',
      'blockchain-replica-2',
      'core-pgbouncer',
      'analytics-exporter',
      'storage',
      'prometheus',
      'grafana',
    ]) {
      expect(names).toContain(expected);
    }
    // The replica clones its primary by streaming replication on its own slot.
    expect(compose.services['blockchain-replica-2']!['environment']).toMatchObject({
      NEO_PRIMARY_HOST: 'blockchain-primary',
      NEO_REPLICATION_SLOT: 'blockchain_replica_2',
    });
    // Each cluster on its own network; a service only on the networks of the clusters it uses.
    expect(compose.services['oracle']!['networks']).toEqual(['blockchain', 'monolith', 'monitoring']);
  });

  it('builds service images that run in production mode, with the build still getting its dev dependencies', () => {
    const dockerfile = rendered.get('compose/service.Dockerfile')!.split('\n');
    const build = dockerfile.findIndex((line) => line.startsWith('RUN npm ci'));
    const production = dockerfile.findIndex((line) => /^ENV .*\bNODE_ENV=production\b/.test(line));
    expect(build).toBeGreaterThan(0);
    expect(production).toBeGreaterThan(build);
  });

  it('renders Kubernetes objects valid against their schemas: core objects with kubernetes-models, CloudNativePG against its CRDs', () => {
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    for (const [path, text] of rendered) {
      if (!path.startsWith('k8s/') || path === 'k8s/kustomization.yaml') continue;
      for (const object of documentsOf(text)) {
        problems.push(...validators.objectProblems(object));
        kinds.set(String(object['kind']), (kinds.get(String(object['kind'])) ?? 0) + 1);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.fromEntries(kinds)).toMatchObject({
      Cluster: 5,
      Job: 1,
      NetworkPolicy: 5,
      // a Deployment and a Service per service that npm start runs
      Deployment: localServices.length,
      Service: localServices.length,
    });
    expect(kinds.get('Pooler')).toBe(5 + 2); // a read-write pooler per cluster, a read-only one where replicas exist
    expect(kinds.get('ScheduledBackup')).toBe(3); // hot clusters and the one that declares backups
    expect(kinds.has('Secret')).toBe(false);
  });

  it('gives each CloudNativePG cluster primary + replicas instances, and each Deployment both health probes', () => {
    const [core] = documentsOf(rendered.get('k8s/clusters/blockchain.yaml')!);
    expect(core).toMatchObject({
      kind: 'Cluster',
      spec: { instances: 3, bootstrap: { initdb: { secret: { name: 'neo-blockchain-credentials' } } } },
    });
    const [deployment] = documentsOf(rendered.get('k8s/services/storage.yaml')!);
    const container = (deployment as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec.template.spec
      .containers[0]!;
    expect(container['livenessProbe']).toMatchObject({ httpGet: { path: '/health/live' } });
    expect(container['readinessProbe']).toMatchObject({ httpGet: { path: '/health/ready' } });
    expect(container['env']).toContainEqual({
      name: 'CORE_DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'neo-core-credentials', key: 'password' } },
    });
  });

  it('hands each service its own role passwords and master key from secrets, in compose and Kubernetes alike', () => {
    const [deployment] = documentsOf(rendered.get('k8s/services/security.yaml')!);
    const env = (deployment as { spec: { template: { spec: { containers: Array<{ env: unknown[] }> } } } }).spec.template.spec
      .containers[0]!.env;
    expect(env).toContainEqual({
      name: 'SECURITY_APP_DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'neo-security-credentials', key: 'app' } },
    });
    expect(env).toContainEqual({
      name: 'NEO_SECURITY_MASTER_KEY',
      valueFrom: { secretKeyRef: { name: 'neo-security-credentials', key: 'NEO_SECURITY_MASTER_KEY' } },
    });
    const compose = parse(rendered.get('compose/docker-compose.yml')!) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    expect(compose.services['security']!.environment).toMatchObject({
      SECURITY_APP_DB_PASSWORD: '${SECURITY_APP_DB_PASSWORD:?set SECURITY_APP_DB_PASSWORD}',
      NEO_SECURITY_MASTER_KEY: '${NEO_SECURITY_MASTER_KEY:?set NEO_SECURITY_MASTER_KEY}',
    });
    expect(compose.services['reporting']!.environment).toHaveProperty('REPORTING_APP_DB_PASSWORD');
    expect(compose.services['storage']!.environment).not.toHaveProperty('NEO_SECURITY_MASTER_KEY');
  });

  it('provisions roles, grants and migrations once before the services start: a compose one-shot and a Kubernetes Job', () => {
    const compose = parse(rendered.get('compose/docker-compose.yml')!) as {
      services: Record<string, { command?: string[]; environment: Record<string, string>; depends_on: Record<string, unknown> }>;
    };
    const provision = compose.services['neo-provision']!;
    expect(provision.command?.slice(-2)).toEqual(['provision', '--migrate']);
    expect(provision.depends_on).toMatchObject({
      'core-primary': { condition: 'service_healthy' },
      'monolith-primary': { condition: 'service_healthy' },
    });
    expect(provision.environment).toMatchObject({
      NEO_PG_URL_CORE: 'postgresql://core-primary:5432/postgres?sslmode=disable',
      CORE_DB_PASSWORD: '${CORE_DB_PASSWORD:?set CORE_DB_PASSWORD}',
      STORAGE_OWNER_DB_PASSWORD: '${STORAGE_OWNER_DB_PASSWORD:?set STORAGE_OWNER_DB_PASSWORD}',
      CORE_REPLICATION_PASSWORD: '${CORE_REPLICATION_PASSWORD:?set CORE_REPLICATION_PASSWORD}',
    });
    for (const service of localServices) {
      expect(compose.services[service.app]!.depends_on).toMatchObject({ 'neo-provision': { condition: 'service_completed_successfully' } });
    }

    const [job] = documentsOf(rendered.get('k8s/provision.yaml')!) as Array<{
      kind: string;
      metadata: { name: string };
      spec: {
        template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ command: string[]; env: unknown[] }> } };
      };
    }>;
    expect(job!.kind).toBe('Job');
    expect(job!.metadata.name).toMatch(/^neo-provision-[0-9a-f]{10}$/);
    const container = job!.spec.template.spec.containers[0]!;
    expect(container.command.slice(-2)).toEqual(['provision', '--migrate']);
    expect(container.env).toContainEqual({
      name: 'NEO_PG_SUPERUSER_PASSWORD_CORE',
      valueFrom: { secretKeyRef: { name: 'neo-core-superuser', key: 'password' } },
    });
    expect(container.env).toContainEqual({
      name: 'NEO_PG_URL_CORE',
      value: 'postgresql://$(NEO_PG_SUPERUSER_CORE):$(NEO_PG_SUPERUSER_PASSWORD_CORE)@neo-core-rw:5432/postgres',
    });
    expect(container.env).toContainEqual({
      name: 'STORAGE_OWNER_DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'neo-storage-credentials', key: 'owner' } },
    });
    // Every cluster lets it in (its NetworkPolicy admits its client label), and gives it a superuser.
    for (const name of ['core', 'blockchain', 'application', 'analytics', 'monolith']) {
      expect(job!.spec.template.metadata.labels[`neo.io/client-of-${name}`]).toBe('true');
      const [cluster] = documentsOf(rendered.get(`k8s/clusters/${name}.yaml`)!);
      expect(cluster).toMatchObject({ spec: { enableSuperuserAccess: true } });
    }
    expect(parse(rendered.get('k8s/kustomization.yaml')!.replace(/^#.*\n/, ''))).toMatchObject({
      resources: expect.arrayContaining(['provision.yaml']),
    });
  });

  it("gives each service every variable its own topology load needs, and no other service's role passwords", () => {
    const compose = parse(rendered.get('compose/docker-compose.yml')!) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const deployedTopology = rendered.get('compose/topology.yaml')!;
    for (const service of localServices) {
      const variables = Object.keys(compose.services[service.app]!.environment ?? {});
      const env = Object.fromEntries(variables.map((variable) => [variable, 'set-by-the-operator']));
      const topology = loadTopology({ text: deployedTopology }, { env, forService: service.topologyService });
      expect(topology.services[service.topologyService]!.roles?.app.password).toBe('set-by-the-operator');
      const others = Object.entries(topology.services).filter(([name]) => name !== service.topologyService);
      for (const [, other] of others) expect(other.roles?.app.password).toBeUndefined();
    }
  });

  it('writes no password: not the topology’s local defaults, not a value from the environment', () => {
    const everything = [...rendered.values()].join('\n');
    for (const secret of [
      'neo_core_local_pw',
      'neo_blockchain_local_pw',
      'neo_monolith_local_pw',
      'neo_storage_owner_local_pw',
      'neo_core_replication_local_pw',
      'render-placeholder',
    ])
      expect(everything).not.toContain(secret);
  });

  it('catches an invalid object, so a passing validation means something', () => {
    expect(
      validators.objectProblems({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'x' },
        spec: { instances: 'three' },
      }),
    ).not.toEqual([]);
    expect(
      validators.objectProblems({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } } as never),
    ).not.toEqual([]);
    expect(validators.composeProblems({ services: { db: { image: 'postgres', restart: 'sometimes', portz: [] } } })).not.toEqual([]);
  });
});
