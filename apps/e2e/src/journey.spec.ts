// The happy path of one customer, end to end through the gateway, with every service a process of its built app.
import { describeCustomerJourney } from './support/customer-journey.js';
import { startE2eSystem } from './support/e2e-system.js';

describeCustomerJourney('customer journey', { start: () => startE2eSystem(), logLabel: 'journey' });
