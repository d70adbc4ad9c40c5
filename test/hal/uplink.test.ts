import { Ports, type AddressEvent, type WanPortName } from '../../hal/ports';
import { NetworkError, Uplink, UplinkError, type AddressRequest, type Lease, type UplinkProvider } from '../../hal/uplink';

const LEASE: Lease = { ip: '203.0.113.10', prefixLength: 24, gateway: '203.0.113.1', dns: ['198.51.100.53'] };

class FakeProvider implements UplinkProvider {
  readonly requests: { port: WanPortName; request: AddressRequest }[] = [];
  readonly released: WanPortName[] = [];
  /** Runs while the provider handles a lease request, e.g. to pull the cable mid-request. */
  duringLease: (() => void) | undefined;
  error: Error | undefined;

  async lease(port: WanPortName, request: AddressRequest): Promise<Lease> {
    this.requests.push({ port, request });
    await Promise.resolve();
    this.duringLease?.();
    if (this.error) throw this.error;
    return { ...LEASE, dns: [...LEASE.dns] };
  }

  release(port: WanPortName): void {
    this.released.push(port);
  }

  async connect(port: WanPortName, host: string, destinationPort: number): Promise<never> {
    throw new NetworkError('ECONNREFUSED', `fake line ${port} refused ${host}:${destinationPort}`);
  }

  async resolve(_port: WanPortName, hostname: string): Promise<never> {
    throw new NetworkError('ENOTFOUND', `fake line cannot resolve ${hostname}`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}

describe('Uplink', () => {
  let labTime: number;
  let ports: Ports;
  let provider: FakeProvider;
  let uplink: Uplink;

  beforeEach(() => {
    labTime = 5_000;
    ports = new Ports(() => labTime, { WAN1: true });
    provider = new FakeProvider();
    uplink = new Uplink(ports);
    uplink.attach(provider);
  });

  test('connect sets the address', async () => {
    const address = await uplink.connect('WAN1', { mode: 'dhcp' });

    const expected = { ...LEASE, mode: 'dhcp', since: 5_000 };
    expect(address).toEqual(expected);
    expect(ports.address('WAN1')).toEqual(expected);
    expect(provider.requests).toEqual([{ port: 'WAN1', request: { mode: 'dhcp' } }]);
  });

  test('connect records request mode', async () => {
    const request: AddressRequest = { mode: 'pppoe', username: 'lab@isp.example', password: 'line-secret' };

    const address = await uplink.connect('WAN1', request);

    expect(address.mode).toBe('pppoe');
    expect(provider.requests[0]).toEqual({ port: 'WAN1', request });
  });

  test('connect without link throws NO_CARRIER', async () => {
    const error = await rejection(uplink.connect('WAN2', { mode: 'dhcp' }));

    expect(error).toBeInstanceOf(UplinkError);
    expect((error as UplinkError).code).toBe('NO_CARRIER');
    expect(provider.requests).toEqual([]);
    expect(ports.address('WAN2')).toBeNull();
  });

  test('connect without provider throws NO_PROVIDER', async () => {
    const detached = new Uplink(ports);

    const error = await rejection(detached.connect('WAN1', { mode: 'dhcp' }));

    expect(error).toBeInstanceOf(UplinkError);
    expect((error as UplinkError).code).toBe('NO_PROVIDER');
  });

  test('link lost while connecting', async () => {
    provider.duringLease = () => ports.setLink('WAN1', false);

    const error = await rejection(uplink.connect('WAN1', { mode: 'dhcp' }));

    expect((error as UplinkError).code).toBe('NO_CARRIER');
    expect(ports.address('WAN1')).toBeNull();
  });

  test('provider refusal propagates', async () => {
    provider.error = new UplinkError('AUTH_FAILED', 'PPPoE authentication failed');

    const error = await rejection(uplink.connect('WAN1', { mode: 'pppoe', username: 'lab', password: 'wrong' }));

    expect((error as UplinkError).code).toBe('AUTH_FAILED');
    expect(ports.address('WAN1')).toBeNull();
  });

  test('disconnect releases the address', async () => {
    await uplink.connect('WAN1', { mode: 'dhcp' });
    const events: AddressEvent[] = [];
    ports.on('address', (event: AddressEvent) => events.push(event));

    uplink.disconnect('WAN1');

    expect(ports.address('WAN1')).toBeNull();
    expect(provider.released).toEqual(['WAN1']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ port: 'WAN1', address: null, previous: { ip: '203.0.113.10' } });
  });

  test('disconnect without address does nothing', () => {
    uplink.disconnect('WAN1');

    expect(provider.released).toEqual([]);
  });

  test('UplinkError carries name and code', () => {
    const error = new UplinkError('NO_OFFER', 'No DHCP offer');

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('UplinkError');
    expect(error.code).toBe('NO_OFFER');
    expect(error.message).toBe('No DHCP offer');
  });
});
