import { PassThrough } from 'node:stream';
import { Inbound, sideOf, type InboundConnection, type InboundFilter } from '../../hal/inbound';
import type { PortName } from '../../hal/ports';

function connection(overrides: Partial<InboundConnection> = {}): InboundConnection {
  return { interface: 'LAN1', viaPort: 'LAN2', sourceAddress: '192.168.1.20', localPort: 80, ...overrides };
}

describe('Inbound', () => {
  let readyPorts: Set<PortName>;
  let inbound: Inbound;

  beforeEach(() => {
    readyPorts = new Set<PortName>(['LAN1', 'LAN2', 'WAN1']);
    inbound = new Inbound((port) => readyPorts.has(port));
  });

  test('deliver matches side and port', () => {
    const handler = jest.fn();
    inbound.listen('http', 'lan', 80, handler);
    const socket = new PassThrough();
    const incoming = connection();

    const result = inbound.deliver(socket, incoming);

    expect(result).toEqual({ outcome: 'accepted', service: 'http' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(socket, incoming);
  });

  test('other side is not served', () => {
    const handler = jest.fn();
    inbound.listen('http', 'lan', 80, handler);

    const result = inbound.deliver(new PassThrough(), connection({ interface: 'WAN1', viaPort: 'WAN1', sourceAddress: '198.51.100.7' }));

    expect(result.outcome).toBe('refused');
    expect(handler).not.toHaveBeenCalled();
  });

  test('other port is refused', () => {
    inbound.listen('https', 'lan', 8443, jest.fn());

    const result = inbound.deliver(new PassThrough(), connection({ localPort: 443 }));

    expect(result).toEqual({ outcome: 'refused', reason: 'Nothing accepts connections on LAN1 port 443' });
  });

  test('moved service refuses old port', () => {
    const handler = jest.fn();
    const unlisten = inbound.listen('http', 'lan', 80, handler);

    unlisten();
    inbound.listen('http', 'lan', 8080, handler);

    expect(inbound.deliver(new PassThrough(), connection({ localPort: 80 })).outcome).toBe('refused');
    expect(inbound.deliver(new PassThrough(), connection({ localPort: 8080 }))).toEqual({ outcome: 'accepted', service: 'http' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(inbound.openPorts('lan')).toEqual([{ port: 8080, service: 'http' }]);
  });

  test('unlisten twice is harmless', () => {
    const unlisten = inbound.listen('http', 'lan', 80, jest.fn());
    inbound.listen('telnet', 'lan', 23, jest.fn());

    unlisten();
    unlisten();

    expect(inbound.openPorts('lan')).toEqual([{ port: 23, service: 'telnet' }]);
  });

  test('filter drop outcome is filtered', () => {
    const handler = jest.fn();
    inbound.listen('http', 'lan', 80, handler);
    inbound.setFilter(() => 'drop');

    const result = inbound.deliver(new PassThrough(), connection());

    expect(result).toEqual({ outcome: 'filtered', reason: 'LAN1 port 80 is filtered for 192.168.1.20' });
    expect(handler).not.toHaveBeenCalled();
  });

  test('filter reject outcome is refused', () => {
    const handler = jest.fn();
    inbound.listen('http', 'lan', 80, handler);
    inbound.setFilter(() => 'reject');

    const result = inbound.deliver(new PassThrough(), connection());

    expect(result.outcome).toBe('refused');
    expect(handler).not.toHaveBeenCalled();
  });

  test('filter sees connection and service', () => {
    const filter = jest.fn<ReturnType<InboundFilter>, Parameters<InboundFilter>>(() => 'accept');
    inbound.listen('http', 'lan', 80, jest.fn());
    inbound.setFilter(filter);
    const served = connection();
    const unserved = connection({ localPort: 22 });

    inbound.deliver(new PassThrough(), served);
    inbound.deliver(new PassThrough(), unserved);

    expect(filter.mock.calls).toEqual([
      [served, 'http'],
      [unserved, undefined],
    ]);
  });

  test('no link outcome skips filter', () => {
    const filter = jest.fn<ReturnType<InboundFilter>, Parameters<InboundFilter>>(() => 'accept');
    const handler = jest.fn();
    inbound.listen('http', 'wan', 80, handler);
    inbound.setFilter(filter);
    readyPorts.delete('WAN1');

    const result = inbound.deliver(new PassThrough(), connection({ interface: 'WAN1', viaPort: 'WAN1' }));

    expect(result).toEqual({ outcome: 'no-link', reason: 'WAN1 has no link, so nothing reaches WAN1' });
    expect(filter).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  test('port clash on same side throws', () => {
    inbound.listen('http', 'lan', 80, jest.fn());

    expect(() => inbound.listen('proxy', 'lan', 80, jest.fn())).toThrow('Port 80 on the LAN side is already used by http');
  });

  test('same port on other side allowed', () => {
    inbound.listen('http', 'lan', 80, jest.fn());
    inbound.listen('http-wan', 'wan', 80, jest.fn());

    expect(inbound.openPorts('lan')).toEqual([{ port: 80, service: 'http' }]);
    expect(inbound.openPorts('wan')).toEqual([{ port: 80, service: 'http-wan' }]);
  });

  test.each([0, 65536, 80.5, Number.NaN])('listen rejects port %p', (port) => {
    expect(() => inbound.listen('http', 'lan', port, jest.fn())).toThrow(RangeError);
  });

  test('sideOf maps interfaces', () => {
    expect(sideOf('LAN1')).toBe('lan');
    expect(sideOf('WAN1')).toBe('wan');
    expect(sideOf('WAN2')).toBe('wan');
  });
});
