import { Ports, type AddressEvent, type LinkEvent, type PortName } from '../../hal/ports';

const LEASE = { ip: '203.0.113.10', prefixLength: 24, gateway: '203.0.113.1', dns: ['198.51.100.53'], mode: 'dhcp' as const };

describe('Ports', () => {
  let labTime: number;
  let ports: Ports;
  let linkEvents: LinkEvent[];
  let addressEvents: AddressEvent[];

  beforeEach(() => {
    labTime = 1_000_000;
    ports = new Ports(() => labTime, { LAN1: true });
    linkEvents = [];
    addressEvents = [];
    ports.on('link', (event: LinkEvent) => linkEvents.push(event));
    ports.on('address', (event: AddressEvent) => addressEvents.push(event));
  });

  test('initial links follow options', () => {
    const lan1 = ports.get('LAN1');
    const wan1 = ports.get('WAN1');

    expect(lan1).toMatchObject({ kind: 'lan', linkUp: true, speedMbps: 1000, fullDuplex: true, linkChangedAt: 1_000_000 });
    expect(lan1).not.toHaveProperty('address');
    expect(wan1).toMatchObject({ kind: 'wan', linkUp: false, speedMbps: 0, fullDuplex: false, address: null });
    expect(ports.list().map((port) => port.name)).toEqual(['WAN1', 'WAN2', 'LAN1', 'LAN2', 'LAN3', 'LAN4']);
  });

  test('setLink up emits link event', () => {
    labTime += 500;
    ports.setLink('WAN1', true);

    expect(linkEvents).toEqual([{ port: 'WAN1', up: true }]);
    expect(ports.isUp('WAN1')).toBe(true);
    expect(ports.get('WAN1')).toMatchObject({ speedMbps: 1000, fullDuplex: true, linkChangedAt: 1_000_500 });
  });

  test('setLink down emits link event', () => {
    ports.setLink('LAN1', false);

    expect(linkEvents).toEqual([{ port: 'LAN1', up: false }]);
    expect(ports.get('LAN1')).toMatchObject({ linkUp: false, speedMbps: 0, fullDuplex: false });
  });

  test('unchanged link emits nothing', () => {
    ports.setLink('LAN1', true);
    ports.setLink('LAN2', false);

    expect(linkEvents).toEqual([]);
  });

  test('setAddress emits address event', () => {
    ports.setLink('WAN1', true);
    labTime += 250;

    ports.setAddress('WAN1', LEASE);

    const expected = { ...LEASE, since: 1_000_250 };
    expect(ports.address('WAN1')).toEqual(expected);
    expect(addressEvents).toEqual([{ port: 'WAN1', address: expected, previous: null, reason: 'assigned' }]);
  });

  test('setAddress without link throws', () => {
    expect(() => ports.setAddress('WAN2', LEASE)).toThrow(/WAN2 has no link/);
    expect(ports.address('WAN2')).toBeNull();
    expect(addressEvents).toEqual([]);
  });

  test('pulling WAN cable releases address', () => {
    ports.setLink('WAN1', true);
    ports.setAddress('WAN1', LEASE);
    const addressBefore = ports.address('WAN1');
    addressEvents.length = 0;
    linkEvents.length = 0;

    ports.setLink('WAN1', false);

    expect(ports.address('WAN1')).toBeNull();
    expect(addressEvents).toEqual([{ port: 'WAN1', address: null, previous: addressBefore, reason: 'link-down' }]);
    expect(linkEvents).toEqual([{ port: 'WAN1', up: false }]);
  });

  test('releasing absent address emits nothing', () => {
    ports.setLink('WAN1', true);

    ports.setAddress('WAN1', null);
    ports.setLink('WAN1', false);

    expect(addressEvents).toEqual([]);
  });

  test('address returns a copy', () => {
    ports.setLink('WAN1', true);
    ports.setAddress('WAN1', LEASE);

    ports.address('WAN1')!.dns.push('192.0.2.53');
    ports.get('WAN1').address!.ip = '192.0.2.99';

    expect(ports.address('WAN1')).toMatchObject({ ip: '203.0.113.10', dns: ['198.51.100.53'] });
  });

  test('countTraffic adds bytes and packets', () => {
    ports.countTraffic('LAN1', 3000, 100);
    ports.countTraffic('LAN1', 1500, 0);

    expect(ports.get('LAN1').counters).toEqual({ txBytes: 4500, rxBytes: 100, txPackets: 3, rxPackets: 1 });
    expect(ports.get('LAN2').counters).toEqual({ txBytes: 0, rxBytes: 0, txPackets: 0, rxPackets: 0 });
  });

  test('unknown port name throws', () => {
    expect(() => ports.get('LAN9' as PortName)).toThrow(/Unknown port "LAN9"/);
  });

  test('static helpers classify names', () => {
    expect(Ports.isPortName('WAN2')).toBe(true);
    expect(Ports.isPortName('wan2')).toBe(false);
    expect(Ports.isPortName(1)).toBe(false);
    expect(Ports.isWan('WAN1')).toBe(true);
    expect(Ports.isWan('LAN1')).toBe(false);
  });
});
