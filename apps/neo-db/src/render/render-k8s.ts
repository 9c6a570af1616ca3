import { createHash } from 'node:crypto';
import { endpointKey, type Endpoints } from '@neo/topology';
import { deployedTopologyYaml } from './deployed-topology.js';
import { PGBOUNCER_SETTINGS, POSTGRES_PORT, SERVICE_PORT, withSeconds, type DeployCluster, type DeployModel } from './deploy-model.js';
import { envName, PROVISION, type RenderedFile } from './render-compose.js';

export const NAMESPACE = 'neo';
const CNPG = 'postgresql.cnpg.io/v1';
/** The namespace the CloudNativePG operator runs in (its default install). */
const OPERATOR_NAMESPACE = 'cnpg-system';
const MONITORING_NAMESPACE = 'monitoring';
const DEFAULT_SCHEDULE = '0 2 * * *';
const DEFAULT_KEEP_DAYS = 30;

/** Kubernetes names of a cluster's objects. */
export function k8sNames(cluster: string) {
  const base = `neo-${cluster}`;
  return {
    cluster: base,
    /** basic-auth Secret (username, password) of the cluster's role: created by the operator of the system, never rendered. */
    credentials: `${base}-credentials`,
    /** basic-auth Secret of the `postgres` superuser, made by CloudNativePG (enableSuperuserAccess); the provision Job logs in with it. */
    superuser: `${base}-superuser`,
    /** CloudNativePG's Service to the primary. */
    primary: `${base}-rw`,
    poolerRw: `${base}-pooler-rw`,
    poolerRo: `${base}-pooler-ro`,
    /** Label put on service pods allowed to reach this cluster. */
    clientLabel: `neo.io/client-of-${cluster}`,
  };
}

/**
 * deploy/k8s: a CloudNativePG Cluster per cluster (instances = primary + replicas) with a
 * Database object per database, PgBouncer Poolers with the seed's settings, a ScheduledBackup
 * (hot clusters and clusters that declare backups), a NetworkPolicy that lets only the cluster's
 * own instances, its poolers, its client services, the operator and Prometheus in, and a
 * Deployment + Service per application with liveness and readiness probes. Every password is a
 * reference to a Secret; none is written here.
 */
export function renderK8s(model: DeployModel, topologyYaml: string, flagsYaml: string): RenderedFile[] {
  const files: RenderedFile[] = [
    { path: 'k8s/namespace.yaml', content: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }] },
    {
      path: 'k8s/config.yaml',
      content: [
        configMap('neo-topology', {
          'topology.yaml': deployedTopologyYaml(topologyYaml),
          'endpoints.json': endpointsJson(model),
          'flags.yaml': flagsYaml,
        }),
      ],
    },
  ];
  for (const cluster of model.clusters) files.push({ path: `k8s/clusters/${cluster.name}.yaml`, content: clusterObjects(cluster) });
  files.push({ path: 'k8s/provision.yaml', content: [provisionJob(model, deployedTopologyYaml(topologyYaml))] });
  for (const service of model.services)
    files.push({ path: `k8s/services/${service.app}.yaml`, content: serviceObjects(model, service.app) });
  files.push({
    path: 'k8s/kustomization.yaml',
    content: {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: NAMESPACE,
      resources: files.map((file) => file.path.replace(/^k8s\//, '')),
    },
  });
  return files;
}

function metadata(name: string, labels: Record<string, string> = {}): object {
  return { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'neo', ...labels } };
}

function configMap(name: string, data: Record<string, string>): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(name), data };
}

/** Services reach a primary through CloudNativePG's `-rw` Service and every replica through `-ro`. */
function endpointsJson(model: DeployModel): string {
  const endpoints: Endpoints = {};
  for (const cluster of model.clusters) {
    const names = k8sNames(cluster.name);
    endpoints[endpointKey(cluster.name, cluster.declared.primary.name)] = { host: `${names.cluster}-rw`, port: POSTGRES_PORT };
    for (const replica of cluster.declared.replicas)
      endpoints[endpointKey(cluster.name, replica.name)] = { host: `${names.cluster}-ro`, port: POSTGRES_PORT };
  }
  return JSON.stringify(endpoints, null, 2) + '\n';
}

/**
 * The cluster's declared audit as pgaudit settings (CloudNativePG loads pgaudit when any is set);
 * parameters are never logged. The per-database write audit the local runtime adds
 * (`ALTER DATABASE … SET pgaudit.log`) has no CloudNativePG field: the provision Job sets it.
 */
function pgauditParameters(declared: DeployCluster['declared']): Record<string, string> {
  if (!declared.audit) return {};
  const classes = [...(declared.audit.ddl ? ['ddl'] : []), ...(declared.audit.role ? ['role'] : [])];
  return { 'pgaudit.log': classes.join(', ') || 'none', 'pgaudit.log_parameter': 'off', 'pgaudit.log_relation': 'off' };
}

function clusterObjects(cluster: DeployCluster): object[] {
  const names = k8sNames(cluster.name);
  const { declared } = cluster;
  const backedUp = declared.temperature === 'hot' || declared.backups !== undefined;
  const labels = { 'neo.io/cluster': cluster.name, 'neo.io/temperature': declared.temperature };
  const objects: object[] = [
    {
      apiVersion: CNPG,
      kind: 'Cluster',
      metadata: metadata(names.cluster, labels),
      spec: {
        instances: 1 + declared.replicas.length,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:15',
        // The provision Job logs in as the superuser: creating the services' roles and handing them their databases needs one.
        enableSuperuserAccess: true,
        bootstrap: {
          initdb: { database: cluster.databases[0] ?? 'app', owner: declared.credentials.user, secret: { name: names.credentials } },
        },
        postgresql: {
          parameters: { wal_level: 'logical', max_replication_slots: '10', max_wal_senders: '10', ...pgauditParameters(declared) },
          shared_preload_libraries: ['pg_stat_statements'],
        },
        storage: { size: declared.temperature === 'cold' ? '50Gi' : '20Gi' },
        monitoring: { enablePodMonitor: true },
        inheritedMetadata: { labels },
        ...(backedUp
          ? {
              backup: {
                retentionPolicy: `${declared.backups?.keepDays ?? DEFAULT_KEEP_DAYS}d`,
                barmanObjectStore: {
                  // WAL is archived continuously: point-in-time recovery for every backed-up cluster.
                  destinationPath: `s3://neo-backups/${cluster.name}`,
                  s3Credentials: {
                    accessKeyId: { name: 'neo-backup-s3', key: 'ACCESS_KEY_ID' },
                    secretAccessKey: { name: 'neo-backup-s3', key: 'ACCESS_SECRET_KEY' },
                  },
                  wal: { compression: 'gzip' },
                  data: { compression: 'gzip' },
                },
              },
            }
          : {}),
      },
    },
    ...cluster.databases.slice(1).map((database) => ({
      apiVersion: CNPG,
      kind: 'Database',
      metadata: metadata(`${names.cluster}-${database.replace(/_/g, '-')}`, labels),
      // The service's owner role, which the provision Job makes and hands the database to: the operator keeps it so.
      spec: { name: database, owner: cluster.databaseOwners[database] ?? declared.credentials.user, cluster: { name: names.cluster } },
    })),
    pooler(names.poolerRw, names.cluster, 'rw', labels),
    ...(declared.replicas.length > 0 ? [pooler(names.poolerRo, names.cluster, 'ro', labels)] : []),
  ];
  if (backedUp) {
    objects.push({
      apiVersion: CNPG,
      kind: 'ScheduledBackup',
      metadata: metadata(`${names.cluster}-daily`, labels),
      spec: {
        schedule: withSeconds(declared.backups?.schedule ?? DEFAULT_SCHEDULE),
        cluster: { name: names.cluster },
        method: 'barmanObjectStore',
        backupOwnerReference: 'self',
        immediate: true,
      },
    });
  }
  objects.push(networkPolicy(cluster));
  return objects;
}

function pooler(name: string, cluster: string, type: 'rw' | 'ro', labels: Record<string, string>): object {
  const { pool_mode: poolMode, ...parameters } = PGBOUNCER_SETTINGS;
  return {
    apiVersion: CNPG,
    kind: 'Pooler',
    metadata: metadata(name, labels),
    spec: { cluster: { name: cluster }, instances: 2, type, pgbouncer: { poolMode, parameters: { ...parameters } } },
  };
}

/**
 * The seed's network isolation: each cluster in its own segment. Its instances accept
 * connections only from each other (replication), its poolers, the services labelled as its
 * clients, the CloudNativePG operator (status port 8000) and Prometheus (metrics, 9187).
 */
function networkPolicy(cluster: DeployCluster): object {
  const names = k8sNames(cluster.name);
  const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(`${names.cluster}-isolation`, { 'neo.io/cluster': cluster.name }),
    spec: {
      podSelector: { matchLabels: { 'cnpg.io/cluster': names.cluster } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { 'cnpg.io/cluster': names.cluster } } },
            {
              podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: [names.poolerRw, names.poolerRo] }] },
            },
            { podSelector: { matchLabels: { [names.clientLabel]: 'true' } } },
          ],
          ports: [{ protocol: 'TCP', port: POSTGRES_PORT }],
        },
        { from: [fromNamespace(OPERATOR_NAMESPACE)], ports: [{ protocol: 'TCP', port: 8000 }] },
        { from: [fromNamespace(MONITORING_NAMESPACE)], ports: [{ protocol: 'TCP', port: 9187 }] },
      ],
    },
  };
}

/**
 * The Job `neo-db provision --migrate`: databases, schemas, the services' roles and grants, audit
 * settings and migrations, as each cluster's superuser (the `<cluster>-superuser` Secret that
 * CloudNativePG makes with enableSuperuserAccess). Its name carries the topology's hash, so a
 * changed topology is a new Job that runs again; an unchanged one is left as it is. It carries the
 * client label of every cluster, which each cluster's NetworkPolicy lets in.
 */
function provisionJob(model: DeployModel, deployedTopology: string): object {
  const digest = createHash('sha256').update(deployedTopology).digest('hex');
  const labels = { 'app.kubernetes.io/name': PROVISION };
  const clusterEnv = model.clusters.flatMap((cluster) => {
    const names = k8sNames(cluster.name);
    const suffix = envName(cluster.name);
    return [
      { name: `NEO_PG_SUPERUSER_${suffix}`, valueFrom: { secretKeyRef: { name: names.superuser, key: 'username' } } },
      { name: `NEO_PG_SUPERUSER_PASSWORD_${suffix}`, valueFrom: { secretKeyRef: { name: names.superuser, key: 'password' } } },
      // Kubernetes fills $(VAR) from the variables above: the password never appears in the object.
      {
        name: `NEO_PG_URL_${suffix}`,
        value: `postgresql://$(NEO_PG_SUPERUSER_${suffix}):$(NEO_PG_SUPERUSER_PASSWORD_${suffix})@${names.primary}:${POSTGRES_PORT}/postgres`,
      },
    ];
  });
  const seen = new Set<string>();
  const passwordEnv = model.passwordSecrets
    .filter(({ variable }) => !seen.has(variable) && seen.add(variable))
    .map(({ variable, secret, key }) => ({ name: variable, valueFrom: { secretKeyRef: { name: secret, key } } }));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...metadata(`${PROVISION}-${digest.slice(0, 10)}`, labels), annotations: { 'neo.io/topology-sha256': digest } },
    spec: {
      backoffLimit: 10,
      template: {
        metadata: {
          labels: { ...labels, ...Object.fromEntries(model.clusters.map((cluster) => [k8sNames(cluster.name).clientLabel, 'true'])) },
        },
        spec: {
          // Until the clusters are up, a try fails and the Job tries again.
          restartPolicy: 'OnFailure',
          containers: [
            {
              name: PROVISION,
              image: 'neo/neo-db:latest',
              command: ['node', '--enable-source-maps', 'apps/neo-db/dist/main.js', 'provision', '--migrate'],
              env: [{ name: 'NEO_TOPOLOGY', value: '/etc/neo/topology.yaml' }, ...clusterEnv, ...passwordEnv],
              volumeMounts: [{ name: 'neo-config', mountPath: '/etc/neo', readOnly: true }],
            },
          ],
          volumes: [{ name: 'neo-config', configMap: { name: 'neo-topology' } }],
        },
      },
    },
  };
}

function serviceObjects(model: DeployModel, app: string): object[] {
  const service = model.services.find((candidate) => candidate.app === app)!;
  const clusters = model.clusters.filter((cluster) => service.clusters.includes(cluster.name));
  const labels = { 'app.kubernetes.io/name': app };
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(app, labels),
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels: { ...labels, ...Object.fromEntries(clusters.map((cluster) => [k8sNames(cluster.name).clientLabel, 'true'])) },
          },
          spec: {
            containers: [
              {
                name: app,
                image: `neo/${app}:latest`,
                ports: [{ name: 'http', containerPort: SERVICE_PORT }],
                env: [
                  { name: 'NEO_TOPOLOGY', value: '/etc/neo/topology.yaml' },
                  { name: 'NEO_ENDPOINTS', value: '/etc/neo/endpoints.json' },
                  { name: 'NEO_FLAGS_FILE', value: '/etc/neo/flags.yaml' },
                  { name: 'PORT', value: String(SERVICE_PORT) },
                  { name: 'HOST', value: '0.0.0.0' },
                  ...clusters.map((cluster) => ({
                    name: cluster.passwordVariable,
                    valueFrom: { secretKeyRef: { name: k8sNames(cluster.name).credentials, key: 'password' } },
                  })),
                  // The service's own roles (app, readonly): one Secret per service, a key per role.
                  ...service.roleVariables.map(({ role, variable }) => ({
                    name: variable,
                    valueFrom: { secretKeyRef: { name: `neo-${service.topologyService}-credentials`, key: role } },
                  })),
                  // Its other secrets (a master key): in the same Secret, keyed by the variable's name.
                  ...service.secretVariables.map((variable) => ({
                    name: variable,
                    valueFrom: { secretKeyRef: { name: `neo-${service.topologyService}-credentials`, key: variable } },
                  })),
                ],
                volumeMounts: [{ name: 'neo-config', mountPath: '/etc/neo', readOnly: true }],
                livenessProbe: probe('/health/live', 10),
                readinessProbe: probe('/health/ready', 5),
                startupProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
              },
            ],
            volumes: [{ name: 'neo-config', configMap: { name: 'neo-topology' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(app, labels),
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
  ];
}
