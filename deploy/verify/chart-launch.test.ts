import { repoRoot } from '@megatron/testkit';
import { SERVICES } from './images.js';
import { describeChartLaunch } from './launch-suite.js';

// The repository after `npm run build` stands in for every image: its root is their /app.
describeChartLaunch('the services launched exactly as the chart describes them', () => ({
  image: () => ({ appRoot: repoRoot(), env: {} }),
  deployments: SERVICES,
}));
