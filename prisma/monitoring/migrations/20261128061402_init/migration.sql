-- CreateTable
-- A native partitioned table (declarative partitioning, PostgreSQL 10+): one partition per
-- period of "recorded_at", created ahead and dropped after the retention by the monitoring
-- service (maintainTimePartitions). Rows outside every partition are refused by PostgreSQL.
-- The primary key includes the partition key, as PostgreSQL requires of partitioned tables.
CREATE TABLE "metric_samples" (
    "series" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("series","recorded_at")
) PARTITION BY RANGE ("recorded_at");
