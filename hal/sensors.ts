/** Board sensors the lab can drive: temperature, CPU load and memory use. */
import { EventEmitter } from 'node:events';

export interface SensorReadings {
  /** Board temperature in degrees Celsius. */
  temperatureC: number;
  /** CPU load in percent. */
  cpuPercent: number;
  /** Memory use in percent. */
  memoryPercent: number;
}

const LIMITS: Record<keyof SensorReadings, [number, number]> = {
  temperatureC: [-40, 125],
  cpuPercent: [0, 100],
  memoryPercent: [0, 100],
};

export class Sensors extends EventEmitter {
  private readings: SensorReadings = { temperatureC: 42, cpuPercent: 3, memoryPercent: 31 };

  read(): SensorReadings {
    return { ...this.readings };
  }

  /** Sets one or more readings; values outside the sensor's range are rejected. */
  set(changes: Partial<SensorReadings>): SensorReadings {
    for (const [key, value] of Object.entries(changes) as [keyof SensorReadings, number][]) {
      const range = LIMITS[key];
      if (!range) throw new RangeError(`Unknown sensor "${key}"; valid sensors are ${Object.keys(LIMITS).join(', ')}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) {
        throw new RangeError(`Sensor ${key} must be a number from ${range[0]} to ${range[1]}, got ${String(value)}`);
      }
    }
    this.readings = { ...this.readings, ...changes };
    this.emit('change', this.read());
    return this.read();
  }
}
