/**
 * Objects Setting >> IP Object: named addresses the access rules refer to by index. A Vigor2927
 * holds 192 IP objects; the lab keeps the same numbering, 1-based.
 */
import type { FirmwareModule } from '../config/module';
import type { FieldError } from '../errors';
import { inSubnet, ipToNumber } from '../ipv4';

/** IP objects a Vigor2927 can hold. */
export const IP_OBJECT_COUNT = 192;

export type IpObjectType = 'single' | 'range' | 'mask' | 'any';
export type ObjectInterface = 'any' | 'lan' | 'wan';

export interface IpObject {
  name: string;
  interface: ObjectInterface;
  type: IpObjectType;
  /** Single address, first address of a range, or the network of a subnet. */
  startIp: string;
  /** Last address of a range. */
  endIp: string;
  /** Subnet mask length for the `mask` type. */
  prefixLength: number;
}

export interface ObjectsConfig {
  /** Index 0 is object 1. An object with an empty name is unused. */
  ipObjects: IpObject[];
}

const ipv4OrEmpty = { type: 'string', anyOf: [{ format: 'ipv4' }, { maxLength: 0 }] };

export function emptyIpObject(): IpObject {
  return { name: '', interface: 'any', type: 'single', startIp: '', endIp: '', prefixLength: 32 };
}

/** True when `address` arriving on `side` falls within the object. An unused object matches nothing. */
export function ipObjectMatches(object: IpObject | undefined, address: string, side: 'lan' | 'wan'): boolean {
  if (!object || object.name === '') return false;
  if (object.interface !== 'any' && object.interface !== side) return false;
  switch (object.type) {
    case 'any':
      return true;
    case 'single':
      return address === object.startIp;
    case 'range': {
      const value = ipToNumber(address);
      return value >= ipToNumber(object.startIp) && value <= ipToNumber(object.endIp);
    }
    case 'mask':
      return inSubnet(address, object.startIp, object.prefixLength);
  }
}

export class ObjectsModule implements FirmwareModule<ObjectsConfig> {
  readonly name = 'objects';
  readonly title = 'Objects Setting';
  readonly schema = {
    type: 'object',
    properties: {
      ipObjects: {
        type: 'array',
        minItems: IP_OBJECT_COUNT,
        maxItems: IP_OBJECT_COUNT,
        items: {
          type: 'object',
          properties: {
            name: { type: 'string', title: 'Name', maxLength: 15, pattern: '^[\\x20-\\x7e]*$' },
            interface: { type: 'string', title: 'Interface', enum: ['any', 'lan', 'wan'] },
            type: { type: 'string', title: 'Address Type', enum: ['single', 'range', 'mask', 'any'] },
            startIp: { ...ipv4OrEmpty, title: 'Start IP Address' },
            endIp: { ...ipv4OrEmpty, title: 'End IP Address' },
            prefixLength: { type: 'integer', title: 'Subnet Mask length', minimum: 0, maximum: 32 },
          },
          required: ['name', 'interface', 'type', 'startIp', 'endIp', 'prefixLength'],
          additionalProperties: false,
        },
      },
    },
    required: ['ipObjects'],
    additionalProperties: false,
  };

  factoryDefaults(): ObjectsConfig {
    return { ipObjects: Array.from({ length: IP_OBJECT_COUNT }, emptyIpObject) };
  }

  validate(config: ObjectsConfig): FieldError[] {
    const errors: FieldError[] = [];
    config.ipObjects.forEach((object, index) => {
      const field = `ipObjects.${index}`;
      if (object.name === '') return;
      if (object.type !== 'any' && object.startIp === '') errors.push({ field: `${field}.startIp`, message: 'is missing; give an IPv4 address', title: 'Start IP Address' });
      if (object.type === 'range') {
        if (object.endIp === '') errors.push({ field: `${field}.endIp`, message: 'is missing; give the last address of the range', title: 'End IP Address' });
        else if (object.startIp !== '' && ipToNumber(object.endIp) < ipToNumber(object.startIp)) {
          errors.push({ field: `${field}.endIp`, message: `must not be below the start address ${object.startIp}`, title: 'End IP Address' });
        }
      }
    });
    return errors;
  }
}
