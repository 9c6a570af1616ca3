-- CreateTable
CREATE TABLE "feeds" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "decimals" SMALLINT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feeds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feed_values" (
    "id" UUID NOT NULL,
    "feed_id" UUID NOT NULL,
    "value" DECIMAL(78,18) NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feed_values_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "feeds_name_key" ON "feeds"("name");

-- CreateIndex
CREATE INDEX "feed_values_feed_id_id_idx" ON "feed_values"("feed_id", "id" DESC);

-- AddForeignKey
ALTER TABLE "feed_values" ADD CONSTRAINT "feed_values_feed_id_fkey" FOREIGN KEY ("feed_id") REFERENCES "feeds"("id") ON DELETE CASCADE ON UPDATE CASCADE;
