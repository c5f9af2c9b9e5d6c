import type { InteractionStore, EndpointRecord } from './store.js';
import { newKeyPair } from './signing.js';

/** An application's signing keys, made on first use (its `verify_key` is the public one). */
export async function applicationKeys(store: InteractionStore, applicationId: string): Promise<EndpointRecord> {
  const existing = await store.getEndpoint(applicationId);
  if (existing) return existing;
  await store.putEndpointKeys({ application_id: applicationId, url: null, ...newKeyPair() });
  return (await store.getEndpoint(applicationId))!;
}
