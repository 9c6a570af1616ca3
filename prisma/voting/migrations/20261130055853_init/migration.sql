-- CreateTable
CREATE TABLE "proposals" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "choices" TEXT[],
    "closes_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "proposals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "votes" (
    "id" UUID NOT NULL,
    "proposal_id" UUID NOT NULL,
    "voter_id" TEXT NOT NULL,
    "choice" TEXT NOT NULL,
    "cast_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "votes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "proposals_created_at_id_idx" ON "proposals"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "votes_proposal_id_choice_idx" ON "votes"("proposal_id", "choice");

-- CreateIndex
CREATE UNIQUE INDEX "votes_proposal_id_voter_id_key" ON "votes"("proposal_id", "voter_id");

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "proposals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
