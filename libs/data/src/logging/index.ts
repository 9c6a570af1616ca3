export {
  DataEventLog,
  DATA_EVENT_CONTEXT,
  eventPlace,
  type CutoverStepEvent,
  type DataEvent,
  type EventLogger,
  type EventPlace,
} from './data-event-log.js';
export { serviceLogger, stderrServiceLogger, type LogFormat } from './service-logger.js';
