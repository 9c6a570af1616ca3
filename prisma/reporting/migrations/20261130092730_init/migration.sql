-- CreateTable
-- A native partitioned table (declarative partitioning): one partition per day of "occurred_at",
-- created ahead and dropped after the retention by the reporting service (TimePartitionKeeper).
-- The primary key includes the partition key, as PostgreSQL requires.
CREATE TABLE "report_inputs" (
    "id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "dimension" TEXT,
    "value" DECIMAL(38,10) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_inputs_pkey" PRIMARY KEY ("id","occurred_at")
) PARTITION BY RANGE ("occurred_at");

-- CreateTable
CREATE TABLE "report_definitions" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "metric" TEXT NOT NULL,
    "aggregate" TEXT NOT NULL,
    "interval" TEXT NOT NULL,
    "group_by_dimension" BOOLEAN NOT NULL,
    "window_days" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
-- Partitioned the same way, one partition per month of "generated_at", kept longer than the inputs.
CREATE TABLE "generated_reports" (
    "id" UUID NOT NULL,
    "definition_id" UUID NOT NULL,
    "window_from" TIMESTAMPTZ(3) NOT NULL,
    "window_to" TIMESTAMPTZ(3) NOT NULL,
    "row_count" INTEGER NOT NULL,
    "rows" JSONB NOT NULL,
    "generated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "generated_reports_pkey" PRIMARY KEY ("id","generated_at")
) PARTITION BY RANGE ("generated_at");

-- CreateIndex
CREATE INDEX "report_inputs_metric_occurred_at_idx" ON "report_inputs"("metric", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "report_definitions_name_key" ON "report_definitions"("name");

-- CreateIndex
CREATE INDEX "report_definitions_created_at_id_idx" ON "report_definitions"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "generated_reports_definition_id_generated_at_id_idx" ON "generated_reports"("definition_id", "generated_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "generated_reports" ADD CONSTRAINT "generated_reports_definition_id_fkey" FOREIGN KEY ("definition_id") REFERENCES "report_definitions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
