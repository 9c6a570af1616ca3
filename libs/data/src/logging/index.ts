export { DataEventLog, DATA_EVENT_CONTEXT, eventPlace, type DataEvent, type EventLogger, type EventPlace } from './data-event-log.js';
export { serviceLogger, type LogFormat } from './service-logger.js';
