import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';

/**
 * Offline validation of the rendered deploy files:
 * - Kubernetes core objects with kubernetes-models (the API's own OpenAPI schemas, from npm);
 * - CloudNativePG objects with ajv against the CRD schemas vendored in deploy/schemas/cnpg;
 * - the compose file with ajv against the compose-spec schema vendored in deploy/schemas.
 * Formats (`int32`, `duration`, …) are not checked: the schemas use formats ajv does not define.
 */
export class DeployValidators {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly compose: ValidateFunction;
  private readonly cnpg: Record<string, ValidateFunction>;

  constructor(deployDir: string) {
    // All of them are draft-07, ajv's default; the compose schema names it by an https URL ajv
    // does not know, so `$schema` is dropped rather than fetched.
    const schema = (file: string): object => {
      const { $schema: _draft, ...rest } = JSON.parse(readFileSync(join(deployDir, 'schemas', file), 'utf8')) as Record<string, unknown>;
      return rest;
    };
    this.compose = this.ajv.compile(schema('compose-spec.json'));
    this.cnpg = {
      Cluster: this.ajv.compile(schema('cnpg/cluster.schema.json')),
      Database: this.ajv.compile(schema('cnpg/database.schema.json')),
      Pooler: this.ajv.compile(schema('cnpg/pooler.schema.json')),
      ScheduledBackup: this.ajv.compile(schema('cnpg/scheduledbackup.schema.json')),
    };
  }

  /** Problems of a compose document, in words; empty when valid. */
  composeProblems(document: unknown): string[] {
    return this.compose(document) ? [] : describe(this.compose);
  }

  /** Problems of one Kubernetes object; throws for a kind no validator knows (so nothing goes unchecked). */
  objectProblems(object: { apiVersion?: string; kind?: string; metadata?: { name?: string }; [field: string]: unknown }): string[] {
    const name = `${object.kind}/${object.metadata?.name}`;
    if (object.apiVersion === 'postgresql.cnpg.io/v1') {
      const validate = this.cnpg[object.kind ?? ''];
      if (!validate) throw new Error(`no vendored CloudNativePG schema for ${name}`);
      return validate(object) ? [] : describe(validate).map((problem) => `${name}: ${problem}`);
    }
    const Model = CORE_MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) throw new Error(`no validator for ${object.apiVersion} ${name}`);
    try {
      new Model(object as never).validate();
      return [];
    } catch (error) {
      return [`${name}: ${(error as Error).message}`];
    }
  }
}

const CORE_MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

function describe(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

/** The YAML documents of a rendered file. */
export function documentsOf(text: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text).map((document) => document.toJSON() as Record<string, unknown>);
}
