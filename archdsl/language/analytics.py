"""Analytics statements: streams, the data lake, its catalog, and the engines."""

from __future__ import annotations

from archdsl.language.containers import INSTANCE, KEY_OPTION
from archdsl.language.spec import OptionSpec, StatementSpec, WordSet, register
from archdsl.language.types import (
    Bool,
    Choice,
    Duration,
    Int,
    ListOf,
    Reference,
    Size,
    Text,
)

SECTION = "Analytics"

HOUR = 3600
DAY = 86400

#: A lake zone or other lower-case word used inside S3 bucket names.
ZONE = Text(r"[a-z][a-z0-9-]{0,20}", "curated")

CATALOG_OPTION = OptionSpec(
    "catalog",
    Reference(),
    "Glue Data Catalog (a `catalog` statement) that holds the table schemas.",
    "the design's only catalog",
)

STREAM = StatementSpec(
    keyword="stream",
    summary="A data stream: Amazon Kinesis Data Streams or an Amazon MSK "
    "(Apache Kafka) cluster.",
    example="stream clicks kinesis shards=4",
    words=(
        WordSet(
            "service",
            {
                "kinesis": "Amazon Kinesis Data Streams",
                "msk": "Amazon MSK, brokers in the private subnets",
            },
            "The streaming service.",
            "kinesis",
        ),
    ),
    options=(
        OptionSpec(
            "shards",
            Int(1, 10000),
            "Provisioned shards (Kinesis); without it the stream is on-demand.",
            "on-demand",
        ),
        OptionSpec(
            "retention",
            Duration(24 * HOUR, 365 * DAY),
            "How long records stay readable (Kinesis) or on the brokers (MSK).",
            "24h for Kinesis, 7d for MSK",
        ),
        OptionSpec(
            "brokers",
            Int(1, 90),
            "Brokers (MSK); a multiple of the AZ count.",
            "one per AZ",
        ),
        OptionSpec(
            "instance",
            Text(r"kafka\.[a-z0-9]+\.[a-z0-9]+", "kafka.m7g.large"),
            "Broker instance type (MSK).",
            "kafka.m7g.large",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

FIREHOSE = StatementSpec(
    keyword="firehose",
    summary="An Amazon Data Firehose delivery stream that buffers records and "
    "writes them to S3, converted to Parquet for Athena.",
    example="firehose land format=parquet buffer=128MB interval=300s",
    options=(
        OptionSpec(
            "format",
            Choice(("parquet", "orc", "json")),
            "Format of the objects written; Parquet and ORC are converted with "
            "the schema of a Glue table.",
            "parquet",
        ),
        OptionSpec(
            "buffer",
            Size(),
            "Data Firehose collects before it writes an object, from 1MB to 128MB; "
            "format conversion needs at least 64MB.",
            "128MB",
        ),
        OptionSpec(
            "interval",
            Duration(0, 900),
            "Longest time Firehose waits before it writes what it has.",
            "300s",
        ),
        CATALOG_OPTION,
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

LAKE = StatementSpec(
    keyword="lake",
    summary="An S3 data lake: one bucket per zone, such as raw data as it "
    "arrived and curated data cleaned for queries.",
    example="lake data zones=[raw, curated]",
    options=(
        OptionSpec(
            "zones",
            ListOf(ZONE),
            "The zones; each is a bucket, named `<lake>.<zone>` in flows.",
            "[raw, curated]",
        ),
        OptionSpec("encrypted", Bool(), "Objects are encrypted at rest.", "on"),
        OptionSpec(
            "versioning",
            Bool(),
            "Versioning keeps overwritten and deleted objects recoverable.",
            "on",
        ),
        OptionSpec(
            "archive",
            Duration(DAY, 3653 * DAY),
            "Age at which raw objects move to S3 Glacier Instant Retrieval.",
            "90d",
        ),
        OptionSpec("logs", Bool(), "Server access logs to the log bucket.", "on"),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow to the lake itself lands in its first zone. A flow to "
        "`data.curated` names one zone.",
    ),
)

CATALOG = StatementSpec(
    keyword="catalog",
    summary="A database in the AWS Glue Data Catalog: the table schemas that "
    "Athena, Redshift Spectrum, EMR and Firehose conversion read.",
    example="catalog meta",
    options=(
        OptionSpec(
            "encrypted",
            Bool(),
            "Catalog metadata is encrypted at rest with KMS.",
            "on",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

CRAWLER = StatementSpec(
    keyword="crawler",
    summary="An AWS Glue crawler that reads S3 data and keeps the catalog's "
    "tables and partitions up to date.",
    example="crawler discover crawls=[data.raw] schedule=1h",
    options=(
        OptionSpec(
            "crawls",
            ListOf(Reference()),
            "Lake zones or lakes the crawler reads.",
            "every lake zone",
        ),
        OptionSpec(
            "schedule",
            Duration(HOUR, 7 * DAY),
            "Time between crawls.",
            "24h",
        ),
        CATALOG_OPTION,
    ),
    label=True,
    section=SECTION,
)

ETL = StatementSpec(
    keyword="etl",
    summary="An AWS Glue ETL job (Apache Spark) that transforms data between "
    "zones or loads a warehouse.",
    example="etl curate workers=10",
    options=(
        OptionSpec("workers", Int(2, 299), "Workers of the job.", "10"),
        OptionSpec(
            "worker",
            Choice(("G.025X", "G.1X", "G.2X", "G.4X", "G.8X")),
            "Worker type.",
            "G.1X",
        ),
        OptionSpec("schedule", Duration(HOUR, 7 * DAY), "Time between runs.", "24h"),
        OptionSpec(
            "timeout",
            Duration(60, 2 * DAY),
            "Run time after which Glue stops the job.",
            "2h",
        ),
        CATALOG_OPTION,
    ),
    label=True,
    section=SECTION,
)

ATHENA = StatementSpec(
    keyword="athena",
    summary="An Amazon Athena workgroup for SQL queries on the lake.",
    example="athena adhoc scan_limit=100GB",
    options=(
        OptionSpec(
            "scan_limit",
            Size(),
            "Data one query may scan before Athena cancels it.",
            "100GB",
        ),
        CATALOG_OPTION,
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

QUICKSIGHT = StatementSpec(
    keyword="quicksight",
    summary="Amazon QuickSight dashboards over Athena or Redshift.",
    example="quicksight dash",
    words=(
        WordSet(
            "mode",
            {
                "direct": "each visual queries the source when it is viewed",
                "spice": "data imported into SPICE, QuickSight's in-memory store, "
                "on a schedule",
            },
            "How dashboards read data.",
            "direct",
        ),
    ),
    label=True,
    section=SECTION,
)

WAREHOUSE = StatementSpec(
    keyword="warehouse",
    summary="An Amazon Redshift data warehouse in the data subnets, optionally "
    "querying the lake through Redshift Spectrum.",
    example="warehouse dw nodes=2 spectrum",
    words=(
        WordSet(
            "service",
            {
                "redshift": "a provisioned Amazon Redshift cluster",
                "serverless": "Amazon Redshift Serverless",
            },
            "The warehouse service.",
            "redshift",
        ),
    ),
    options=(
        OptionSpec("nodes", Int(1, 128), "Nodes (provisioned).", "2"),
        OptionSpec(
            "node",
            Text(r"(ra3|dc2)\.[a-z0-9]+", "ra3.xlplus"),
            "Node type (provisioned).",
            "ra3.xlplus",
        ),
        OptionSpec(
            "spectrum",
            Bool(),
            "Redshift Spectrum: an external schema over the Glue catalog that "
            "queries the lake in place.",
            "off",
        ),
        OptionSpec(
            "multi_az",
            Bool(),
            "A second cluster in another AZ takes over when the first AZ fails "
            "(RA3 nodes).",
            "off",
        ),
        OptionSpec("encrypted", Bool(), "Storage and snapshots encrypted.", "on"),
        OptionSpec(
            "public",
            Bool(),
            "The cluster gets a public endpoint.",
            "off",
        ),
        OptionSpec(
            "backup",
            Duration(DAY, 35 * DAY),
            "Automated snapshot retention.",
            "7d",
        ),
        CATALOG_OPTION,
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

EMR = StatementSpec(
    keyword="emr",
    summary="An Amazon EMR cluster (Spark, Hive, Trino) in a private subnet "
    "that uses the Glue catalog as its metastore.",
    example="emr spark apps=[spark, hive] core=4",
    options=(
        OptionSpec(
            "apps",
            ListOf(Choice(("spark", "hive", "trino", "presto", "flink", "hbase"))),
            "Applications installed on the cluster.",
            "[spark]",
        ),
        OptionSpec("core", Int(1, 500), "Core nodes (HDFS and tasks).", "2"),
        OptionSpec("task", Int(0, 500), "Task nodes (compute only, on Spot).", "0"),
        OptionSpec("instance", INSTANCE, "Instance type of every node.", "m6g.xlarge"),
        CATALOG_OPTION,
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

FLINK = StatementSpec(
    keyword="flink",
    summary="An Amazon Managed Service for Apache Flink application that "
    "processes a stream as records arrive.",
    example="flink live parallelism=4",
    options=(
        OptionSpec("parallelism", Int(1, 1000), "Parallel tasks at the start.", "1"),
        OptionSpec(
            "autoscaling",
            Bool(),
            "The service raises parallelism when CPU stays high.",
            "on",
        ),
        OptionSpec(
            "checkpoints",
            Bool(),
            "Checkpoints let the application resume after a failure with "
            "exactly-once state.",
            "on",
        ),
    ),
    label=True,
    section=SECTION,
)

WEBAPP = StatementSpec(
    keyword="webapp",
    summary="A browser app hosted on AWS Amplify, with a Cognito identity pool "
    "that gives the browser temporary AWS credentials.",
    example="webapp vote",
    options=(
        OptionSpec(
            "guests",
            Bool(),
            "Visitors who have not signed in get AWS credentials too.",
            "off",
        ),
    ),
    label=True,
    section=SECTION,
)

register(
    STREAM,
    FIREHOSE,
    LAKE,
    CATALOG,
    CRAWLER,
    ETL,
    ATHENA,
    QUICKSIGHT,
    WAREHOUSE,
    EMR,
    FLINK,
    WEBAPP,
)
