export { startSlackSim } from './server.js';
export type { SlackSim } from './server.js';
export { SimControl, SimControlError } from './control-client.js';
export type { CreateAppInput, InteractionInput } from './control-client.js';
export { seedDemo } from './seed-demo.js';
export type { DemoCustomerWorkspace, DemoSeed, DemoUrls } from './seed-demo.js';
export { METHOD_TIERS, TIER_PER_MINUTE } from './rate-limits.js';
export type { RateLimitConfig, Tier } from './rate-limits.js';
export type {
  DeliveryKind, FaultKind, InteractionResult, SimApp, SimConversation, SimDelivery, SimEphemeral, SimFault, SimFile,
  SimFileObject, SimIcons, SimMessage, SimResponseReply, SimUser, SimWorkspace, SlackSimOptions, SlashCommandRoute,
} from './types.js';
