/** LAN >> General Setup: the LAN1 subnet and its DHCP server range. */
import type { FirmwareModule } from '../config/module';

export interface LanConfig {
  LAN1: { ip: string; prefixLength: number; dhcpServer: { enabled: boolean; startIp: string; poolSize: number } };
}

export class LanModule implements FirmwareModule<LanConfig> {
  readonly name = 'lan';
  readonly title = 'LAN';
  readonly schema = {
    type: 'object',
    properties: {
      LAN1: {
        type: 'object',
        properties: {
          ip: { type: 'string', format: 'ipv4', title: 'LAN1 IP Address' },
          prefixLength: { type: 'integer', minimum: 8, maximum: 30, title: 'LAN1 subnet mask length' },
          dhcpServer: {
            type: 'object',
            properties: {
              enabled: { type: 'boolean', title: 'DHCP Server' },
              startIp: { type: 'string', format: 'ipv4', title: 'Start IP Address' },
              poolSize: { type: 'integer', minimum: 1, maximum: 253, title: 'IP Pool Counts' },
            },
            required: ['enabled', 'startIp', 'poolSize'],
            additionalProperties: false,
          },
        },
        required: ['ip', 'prefixLength', 'dhcpServer'],
        additionalProperties: false,
      },
    },
    required: ['LAN1'],
    additionalProperties: false,
  };

  factoryDefaults(): LanConfig {
    return { LAN1: { ip: '192.168.1.1', prefixLength: 24, dhcpServer: { enabled: true, startIp: '192.168.1.10', poolSize: 200 } } };
  }
}
