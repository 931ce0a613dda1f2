export { DEFAULT_RETRY_DELAYS_MS, startSlackSim } from './server.js';
export { SLACK_RETRY_SCHEDULE_MS } from './delivery.js';
export type { ChangeKind, SimChange } from './change-feed.js';
export type { DisconnectReason, SocketConnectionInfo } from './socket-mode/hub.js';
export type { SlackSim } from './server.js';
export { SimControl, SimControlError } from './control-client.js';
export type {
  AppSettings, ChannelActionInput, CreateAppInput, InteractionInput, OverviewPerson, WorkspaceOverview,
} from './control-client.js';
export type { ConversationView } from './control/conversation-view.js';
export { MEGATRON_BOT_EVENTS, seedDemo } from './seed-demo.js';
export type { DemoCustomerWorkspace, DemoSeed, DemoUrls } from './seed-demo.js';
export { HISTORY_LIMITED_PAGE, METHOD_TIERS, TIER_PER_MINUTE } from './rate-limits.js';
export type { RateLimitConfig, Tier } from './rate-limits.js';
export type {
  DeliveryKind, DeliveryTransport, FaultKind, InteractionResult, SimApp, SimConversation, SimDelivery, SimEphemeral,
  SimFault, SimFile, SimFileObject, SimIcons, SimMessage, SimMessageMetadata, SimReaction, SimResponseReply, SimUser,
  SimWorkspace, SlackSimOptions, SlashCommandRoute,
} from './types.js';
