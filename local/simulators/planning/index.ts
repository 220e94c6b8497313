/** Simulator of the planning platform (vendor API v3) for local runs and tests. */
export { PlanningSimulator, PLANNING_MAX_BODY_BYTES } from './server';
export type { ExportContent, PlanningFaults, PlanningSimulatorOptions, PublishedExport } from './server';
export { FORECAST_EXPORT_HEADER, forecastExceptionEvent, forecastExportChunks, withOffset } from './events';
export type {
  ForecastExceptionDetail,
  ForecastExceptionEvent,
  ForecastExceptionOverrides,
  ForecastExportSpec,
  ForecastPublishedEvent,
  PlanRef,
  PlanningEventType,
} from './events';
