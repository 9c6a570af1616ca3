import type { Job, JobRun } from '../../generated/prisma/client.js';

export interface JobResponse {
  id: string;
  name: string;
  schedule: string;
  nextRunAt: string;
  createdAt: string;
}

export interface JobRunResponse {
  id: string;
  scheduledFor: string;
  firedBy: string;
  firedAt: string;
}

export function toJobResponse(job: Job): JobResponse {
  return {
    id: job.id,
    name: job.name,
    schedule: job.schedule,
    nextRunAt: job.nextRunAt.toISOString(),
    createdAt: job.createdAt.toISOString(),
  };
}

export function toJobRunResponse(run: JobRun): JobRunResponse {
  return { id: run.id, scheduledFor: run.scheduledFor.toISOString(), firedBy: run.firedBy, firedAt: run.firedAt.toISOString() };
}
