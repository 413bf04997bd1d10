"""Security statements: keys, certificates, threat detection and inspection."""

from __future__ import annotations

from archdsl.language.core import DOMAIN
from archdsl.language.spec import OptionSpec, StatementSpec, WordSet, register
from archdsl.language.types import (
    Bool,
    Choice,
    Duration,
    Int,
    ListOf,
    Reference,
    Text,
)

SECTION = "Security and network security"

DAY = 86400

KMS = StatementSpec(
    keyword="kms",
    summary="An AWS KMS customer managed key for envelope encryption at rest.",
    example="kms app",
    options=(
        OptionSpec(
            "rotation",
            Bool(),
            "KMS rotates the key material on a schedule; old material still decrypts.",
            "on",
        ),
        OptionSpec(
            "period",
            Duration(90 * DAY, 2560 * DAY),
            "Time between automatic rotations.",
            "365d",
        ),
        OptionSpec(
            "deletion_window",
            Duration(7 * DAY, 30 * DAY),
            "Waiting period before a scheduled deletion takes effect.",
            "30d",
        ),
        OptionSpec(
            "multi_region",
            Bool(),
            "A multi-Region key that can be replicated to other regions.",
            "off",
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "A key encrypts nothing by itself: name it with `key=` on a statement, "
        "or with `encrypt all with kms key=<name>` for the whole design.",
    ),
)

CERTIFICATE = StatementSpec(
    keyword="certificate",
    summary="An AWS Certificate Manager certificate: public and validated "
    "through DNS, or private and issued by the design's private CA.",
    example="certificate api domain=api.example.com",
    words=(
        WordSet(
            "issuer",
            {
                "public": "a public certificate that browsers trust",
                "private": "a private certificate from the `ca` statement, trusted "
                "only inside the organisation",
            },
            "Who issues the certificate.",
            "public",
        ),
    ),
    options=(
        OptionSpec(
            "domain",
            DOMAIN,
            "Domain name the certificate covers, with its wildcard.",
            "the design's domain",
        ),
    ),
    label=True,
    section=SECTION,
)

CA = StatementSpec(
    keyword="ca",
    summary="An AWS Private CA that issues the certificates for mutual TLS.",
    example="ca internal",
    options=(
        OptionSpec(
            "validity",
            Duration(DAY, 3650 * DAY),
            "Lifetime of the certificates it issues.",
            "365d",
        ),
    ),
    label=True,
    section=SECTION,
)

GUARDDUTY = StatementSpec(
    keyword="guardduty",
    summary="Amazon GuardDuty threat detection on CloudTrail, VPC flow logs and "
    "DNS logs, with protection plans for the services the design uses.",
    example="guardduty",
    name="optional",
    default_name="guardduty",
    options=(
        OptionSpec("s3", Bool(), "S3 Protection: watch data events on buckets.", "on"),
        OptionSpec(
            "eks",
            Bool(),
            "EKS Protection and Runtime Monitoring on the clusters.",
            "on when the design has an EKS cluster",
        ),
        OptionSpec(
            "rds",
            Bool(),
            "RDS Protection: suspicious logins to Aurora.",
            "on when the design has an Aurora cluster",
        ),
        OptionSpec(
            "malware",
            Bool(),
            "Malware Protection scans EBS volumes of suspect instances.",
            "on",
        ),
    ),
    label=True,
    section=SECTION,
)

SECURITYHUB = StatementSpec(
    keyword="securityhub",
    summary="AWS Security Hub: collects the findings of GuardDuty and the other "
    "security services and checks the account against standards.",
    example="securityhub standards=[fsbp, cis]",
    name="optional",
    default_name="securityhub",
    options=(
        OptionSpec(
            "standards",
            ListOf(Choice(("fsbp", "cis", "pci", "nist"))),
            "Standards checked: AWS Foundational Security Best Practices, CIS "
            "AWS Foundations, PCI DSS, NIST SP 800-53.",
            "[fsbp]",
        ),
    ),
    label=True,
    section=SECTION,
)

FIREWALL = StatementSpec(
    keyword="firewall",
    summary="AWS Network Firewall: one endpoint per AZ in inspection subnets, "
    "with stateful Suricata-compatible rules.",
    example="firewall ips mode=ips",
    options=(
        OptionSpec(
            "mode",
            Choice(("ips", "ids")),
            "`ips` drops traffic that matches a rule; `ids` only alerts.",
            "ips",
        ),
        OptionSpec(
            "managed",
            Bool(),
            "AWS managed threat signature rule groups (Suricata rules).",
            "on",
        ),
        OptionSpec(
            "rules",
            ListOf(Text()),
            "Own rules in Suricata syntax, one string each.",
            "none",
        ),
        OptionSpec(
            "domains",
            ListOf(Text(r"\.?[A-Za-z0-9.-]+", ".example.com")),
            "Domains that outbound HTTPS may reach (TLS SNI); others are dropped.",
            "any",
        ),
    ),
    label=True,
    section=SECTION,
)

GWLB = StatementSpec(
    keyword="gwlb",
    summary="A Gateway Load Balancer with third-party appliances behind it, and "
    "a Gateway Load Balancer endpoint per AZ that traffic is routed to.",
    example='gwlb ngfw appliances=2 "third-party firewall"',
    options=(
        OptionSpec(
            "appliances",
            Int(1, 100),
            "Appliance instances, spread over the AZs.",
            "the AZ count, at least 2",
        ),
        OptionSpec(
            "instance",
            Text(r"[a-z][a-z0-9-]*\.[a-z0-9]+", "c6in.xlarge"),
            "Appliance instance type.",
            "c6in.xlarge",
        ),
        OptionSpec(
            "health_port",
            Int(1, 65535),
            "Port the GWLB health check probes on each appliance.",
            "80",
        ),
    ),
    label=True,
    section=SECTION,
)

MIRROR = StatementSpec(
    keyword="mirror",
    summary="VPC Traffic Mirroring: copies the packets of some components to "
    "an IDS behind a load balancer, out of the traffic path.",
    example="mirror tap from=[app] to=sensors",
    options=(
        OptionSpec(
            "from",
            ListOf(Reference()),
            "Statements whose network interfaces are mirrored.",
            "required",
        ),
        OptionSpec(
            "to",
            Reference(),
            "Statement that receives the copies: a tier behind an NLB or a gwlb.",
            "required",
        ),
        OptionSpec(
            "filter",
            Choice(("all", "inbound", "outbound")),
            "Which direction of traffic is copied.",
            "all",
        ),
    ),
    label=True,
    section=SECTION,
)

TRANSIT = StatementSpec(
    keyword="transit",
    summary="An AWS Transit Gateway joining VPCs, optionally sending their "
    "traffic through an inspection VPC.",
    example="transit hub attach=[spoke1, spoke2] inspect=ngfw",
    options=(
        OptionSpec(
            "attach",
            ListOf(Reference()),
            "`vpc` blocks attached as spokes.",
            "required",
        ),
        OptionSpec(
            "inspect",
            Reference(),
            "A `firewall` or `gwlb` whose VPC inspects spoke traffic: outbound "
            "traffic, and traffic between spokes unless `east_west=` is set.",
            "none",
        ),
        OptionSpec(
            "east_west",
            Reference(),
            "A `firewall` or `gwlb` whose VPC inspects traffic between spokes, "
            "when `inspect=` should see only outbound traffic.",
            "the `inspect=` statement",
        ),
        OptionSpec(
            "appliance_mode",
            Bool(),
            "Appliance mode on the inspection VPCs' attachments keeps both "
            "directions of a flow in one AZ.",
            "on",
        ),
    ),
    label=True,
    section=SECTION,
)

register(KMS, CERTIFICATE, CA, GUARDDUTY, SECURITYHUB, FIREWALL, GWLB, MIRROR, TRANSIT)
