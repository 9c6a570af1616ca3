-- CreateTable
-- A native partitioned table (declarative partitioning): one partition per day of
-- "occurred_at", created ahead and dropped after the retention by the analytics service
-- (maintainTimePartitions). The primary key includes the partition key, as PostgreSQL requires.
CREATE TABLE "events" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "user_id" TEXT,
    "value" DOUBLE PRECISION,
    "properties" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id","occurred_at")
) PARTITION BY RANGE ("occurred_at");

-- CreateTable
CREATE TABLE "event_rollups" (
    "name" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "value_sum" DOUBLE PRECISION,
    "value_min" DOUBLE PRECISION,
    "value_max" DOUBLE PRECISION,

    CONSTRAINT "event_rollups_pkey" PRIMARY KEY ("name","bucket","start")
);

-- CreateIndex
CREATE INDEX "events_name_occurred_at_idx" ON "events"("name", "occurred_at");
