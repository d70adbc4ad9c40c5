/**
 * The management access decision against a small reference model, over generated settings, IP
 * objects, brute force blocks, sources, sides and services.
 */
import fc from 'fast-check';
import { MANAGEMENT_SERVICES, type IpObject, type ManagementConfig, type ManagementService } from '../../firmware';
import { decideAccess } from '../../firmware/modules/management/access';
import { managementDefaults } from '../../firmware/modules/management/schema';

const SOURCES = ['203.0.113.7', '203.0.113.8', '203.0.113.200', '198.51.100.9', '192.0.2.100', '10.0.0.5', '100.64.1.2'];

const ipArbitrary = fc.constantFrom(...SOURCES, '203.0.113.0', '203.0.113.255', '0.0.0.0');

const objectArbitrary: fc.Arbitrary<IpObject> = fc.record({
  name: fc.constantFrom('', 'office', 'partner'),
  interface: fc.constantFrom('any', 'lan', 'wan'),
  type: fc.constantFrom('single', 'range', 'mask', 'any'),
  startIp: ipArbitrary,
  endIp: ipArbitrary,
  prefixLength: fc.integer({ min: 0, max: 32 }),
}) as fc.Arbitrary<IpObject>;

const switches = (names: readonly string[]) => fc.record(Object.fromEntries(names.map((name) => [name, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>);

const configArbitrary: fc.Arbitrary<ManagementConfig> = fc
  .record({
    allow: fc.boolean(),
    services: switches([...MANAGEMENT_SERVICES, 'enforceHttps', 'snmp']),
    accessList: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })), { minLength: 10, maxLength: 10 }),
  })
  .map(({ allow, services, accessList }) => {
    const config = managementDefaults();
    config.internet = { ...config.internet, allow, services: services as ManagementConfig['internet']['services'], accessList };
    return config;
  });

const caseArbitrary = fc.record({
  config: configArbitrary,
  objects: fc.array(objectArbitrary, { minLength: 6, maxLength: 6 }),
  blocked: fc.array(fc.record({ source: fc.constantFrom(...SOURCES), service: fc.constantFrom(...MANAGEMENT_SERVICES) }), { maxLength: 3 }),
  side: fc.constantFrom('lan' as const, 'wan' as const),
  source: fc.constantFrom(...SOURCES),
  service: fc.option(fc.constantFrom(...MANAGEMENT_SERVICES), { nil: undefined }),
});

function toNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

/** The object contains the address for a connection from the Internet. */
function modelContains(object: IpObject | undefined, address: string): boolean {
  if (!object || object.name === '' || object.interface === 'lan') return false;
  const value = toNumber(address);
  if (object.type === 'any') return true;
  if (object.type === 'single') return address === object.startIp;
  if (object.type === 'range') return value >= toNumber(object.startIp) && value <= toNumber(object.endIp);
  const size = 2 ** (32 - object.prefixLength);
  return Math.floor(value / size) === Math.floor(toNumber(object.startIp) / size);
}

function model(config: ManagementConfig, objects: IpObject[], blocked: Set<string>, side: 'lan' | 'wan', source: string, service: ManagementService | undefined): string {
  if (side === 'lan') return service === undefined ? 'reject' : 'accept';
  if (service === undefined) return 'drop';

  const switchOn = service === 'http' ? config.internet.services.http || config.internet.services.enforceHttps : config.internet.services[service];
  const listed = config.internet.accessList.filter((index) => index !== 0);
  const listAllows = listed.length === 0 || listed.some((index) => modelContains(objects[index - 1], source));
  const isBlocked = blocked.has(`${service}|${source}`);
  return config.internet.allow && switchOn && listAllows && !isBlocked ? 'accept' : 'drop';
}

describe('management access decision', () => {
  test('matches model over 10000 cases', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ config, objects, blocked, side, source, service }) => {
        const blockedSet = new Set(blocked.map((entry) => `${entry.service}|${entry.source}`));
        const actual = decideAccess(config, objects, (address, name) => blockedSet.has(`${name}|${address}`), { side, sourceAddress: source, service });
        return actual === model(config, objects, blockedSet, side, source, service);
      }),
      { numRuns: 10_000 },
    );
  });

  test('factory settings close the WAN', () => {
    const config = managementDefaults();
    for (const service of MANAGEMENT_SERVICES) {
      expect(decideAccess(config, [], () => false, { side: 'wan', sourceAddress: '192.0.2.100', service })).toBe('drop');
      expect(decideAccess(config, [], () => false, { side: 'lan', sourceAddress: '192.168.1.10', service })).toBe('accept');
    }
  });
});
