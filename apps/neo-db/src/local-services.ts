/**
 * The NestJS services `neo-db up` starts on the local topology: which topology service
 * each one serves, where its compiled entry point is, and the port it listens on.
 */
export interface LocalService {
  /** The service's name in the topology (`services.<name>`). */
  topologyService: string;
  /** The Nx app folder under apps/. */
  app: string;
  port: number;
}

export const localServices: readonly LocalService[] = [
  { topologyService: 'storage', app: 'storage', port: 3101 },
  { topologyService: 'oracle', app: 'oracle', port: 3102 },
  { topologyService: 'smartcontracts', app: 'smart-contracts', port: 3103 },
  { topologyService: 'monitoring', app: 'monitoring', port: 3104 },
  { topologyService: 'keymanagement', app: 'keymanagement', port: 3105 },
  { topologyService: 'security', app: 'security', port: 3106 },
  { topologyService: 'crosschain', app: 'crosschain', port: 3107 },
  { topologyService: 'notification', app: 'notification', port: 3108 },
  { topologyService: 'automation', app: 'automation', port: 3109 },
  { topologyService: 'voting', app: 'voting', port: 3110 },
  { topologyService: 'analytics', app: 'analytics', port: 3111 },
  { topologyService: 'reporting', app: 'reporting', port: 3112 },
];
