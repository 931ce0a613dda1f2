import type { UserRef } from '@megatron/contracts';
import { missingField } from '../takeover/errors.js';

/** Fields of API requests, checked at the edge so nothing runs on a half-formed request. */
export function requireField(value: string, name: string): string {
  if (!value.trim()) throw missingField(name);
  return value.trim();
}

export function requireCustomer(customer: UserRef | undefined, field = 'customer'): { teamId: string; userId: string } {
  if (!customer) throw missingField(field);
  return { teamId: requireField(customer.teamId, `${field}.team_id`), userId: requireField(customer.userId, `${field}.user_id`) };
}

export function require<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw missingField(name);
  return value;
}
