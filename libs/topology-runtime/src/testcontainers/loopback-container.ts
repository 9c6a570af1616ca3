import type { GenericContainer, StartedTestContainer } from 'testcontainers';

/** Where the runtime publishes the containers' ports: like the embedded servers, reachable from this machine only. */
export const PUBLISHED_HOST = '127.0.0.1';

type PortBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }>>;

/**
 * testcontainers publishes a port on every interface of the machine (0.0.0.0 and ::); servers of a
 * local topology must not be reachable from the network. This subclass binds every published
 * port to 127.0.0.1 when the container is created. `Base` is testcontainers' class, given by the
 * caller, which imports testcontainers only when the provider is used.
 */
export function loopbackContainer(Base: typeof GenericContainer): typeof GenericContainer {
  return class LoopbackContainer extends Base {
    override start(): Promise<StartedTestContainer> {
      for (const bindings of Object.values((this.hostConfig.PortBindings ?? {}) as PortBindings)) {
        for (const binding of bindings) binding.HostIp = PUBLISHED_HOST;
      }
      return super.start();
    }
  };
}
