"""The AWS component catalogue: one table read by expansion, render and check.

Each :class:`Kind` names the AWS service a component belongs to, how it is
drawn (a mingrammer ``diagrams`` icon class, or not drawn), where it lives
(global, regional, in a VPC, or in one AZ) and the facts the checklist needs
(stateful, run by AWS across AZs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["external", "global", "regional", "vpc", "zonal"]


@dataclass(frozen=True)
class Kind:
    key: str
    service: str
    title: str
    #: ``diagrams`` icon as "module.Class" below ``diagrams.``; None draws a box.
    icon: str | None
    scope: Scope
    category: str
    draw: bool = True
    stateful: bool = False
    #: AWS runs the service across several AZs of a region on its own, so
    #: losing one AZ does not take it down (SQS, SNS, S3, DynamoDB, ...).
    regional_managed: bool = False


_KINDS: tuple[Kind, ...] = (
    # Outside AWS
    Kind(
        "external.internet",
        "Internet",
        "Users on the internet",
        "aws.general.Users",
        "external",
        "external",
    ),
    # Global edge services
    Kind(
        "route53.hosted-zone",
        "Amazon Route 53",
        "Hosted zone",
        "aws.network.Route53",
        "global",
        "edge",
        regional_managed=True,
    ),
    Kind(
        "route53.private-hosted-zone",
        "Amazon Route 53",
        "Private hosted zone",
        "aws.network.Route53HostedZone",
        "vpc",
        "network",
        draw=False,
        regional_managed=True,
    ),
    Kind(
        "cloudfront.distribution",
        "Amazon CloudFront",
        "Distribution",
        "aws.network.CloudFront",
        "global",
        "edge",
        regional_managed=True,
    ),
    Kind(
        "wafv2.web-acl",
        "AWS WAF",
        "Web ACL",
        "aws.security.WAF",
        "global",
        "security",
        regional_managed=True,
    ),
    Kind(
        "acm.certificate",
        "AWS Certificate Manager",
        "TLS certificate",
        "aws.security.CertificateManager",
        "regional",
        "security",
        draw=False,
        regional_managed=True,
    ),
    # Network
    Kind(
        "ec2.vpc",
        "Amazon VPC",
        "VPC",
        "aws.network.VPC",
        "regional",
        "network",
        draw=False,
        regional_managed=True,
    ),
    Kind(
        "ec2.subnet",
        "Amazon VPC",
        "Subnet",
        "aws.network.PublicSubnet",
        "zonal",
        "network",
        draw=False,
    ),
    Kind(
        "ec2.internet-gateway",
        "Amazon VPC",
        "Internet gateway",
        "aws.network.InternetGateway",
        "vpc",
        "network",
        regional_managed=True,
    ),
    Kind(
        "ec2.nat-gateway",
        "Amazon VPC",
        "NAT gateway",
        "aws.network.NATGateway",
        "zonal",
        "network",
    ),
    Kind(
        "ec2.vpc-endpoint",
        "AWS PrivateLink",
        "VPC endpoint",
        "aws.network.Endpoint",
        "vpc",
        "network",
        regional_managed=True,
    ),
    Kind(
        "ec2.security-group",
        "Amazon VPC",
        "Security group",
        None,
        "vpc",
        "security",
        draw=False,
        regional_managed=True,
    ),
    # Load balancing and compute
    Kind(
        "elbv2.alb",
        "Elastic Load Balancing",
        "Application Load Balancer",
        "aws.network.ALB",
        "vpc",
        "network",
    ),
    Kind(
        "elbv2.nlb",
        "Elastic Load Balancing",
        "Network Load Balancer",
        "aws.network.NLB",
        "vpc",
        "network",
    ),
    Kind(
        "elbv2.listener",
        "Elastic Load Balancing",
        "Listener",
        None,
        "vpc",
        "network",
        draw=False,
    ),
    Kind(
        "elbv2.target-group",
        "Elastic Load Balancing",
        "Target group",
        None,
        "vpc",
        "network",
        draw=False,
    ),
    Kind(
        "autoscaling.group",
        "Amazon EC2 Auto Scaling",
        "Auto Scaling group",
        "aws.compute.AutoScaling",
        "vpc",
        "compute",
        draw=False,
    ),
    Kind(
        "ec2.launch-template",
        "Amazon EC2",
        "Launch template",
        None,
        "regional",
        "compute",
        draw=False,
    ),
    Kind(
        "ec2.instance",
        "Amazon EC2",
        "EC2 instance",
        "aws.compute.EC2",
        "zonal",
        "compute",
    ),
    # Databases and caches
    Kind(
        "rds.aurora-cluster",
        "Amazon Aurora",
        "Aurora DB cluster",
        "aws.database.Aurora",
        "vpc",
        "database",
        draw=False,
        stateful=True,
    ),
    Kind(
        "rds.aurora-instance",
        "Amazon Aurora",
        "Aurora DB instance",
        "aws.database.AuroraInstance",
        "zonal",
        "database",
        stateful=True,
    ),
    Kind(
        "rds.instance",
        "Amazon RDS",
        "RDS DB instance",
        "aws.database.RDSInstance",
        "zonal",
        "database",
        stateful=True,
    ),
    Kind(
        "rds.standby",
        "Amazon RDS",
        "Multi-AZ standby",
        "aws.database.RDSInstance",
        "zonal",
        "database",
        stateful=True,
    ),
    Kind(
        "elasticache.replication-group",
        "Amazon ElastiCache",
        "Replication group",
        "aws.database.ElastiCache",
        "vpc",
        "database",
        draw=False,
        stateful=True,
    ),
    Kind(
        "elasticache.node",
        "Amazon ElastiCache",
        "Cache node",
        "aws.database.ElasticacheForRedis",
        "zonal",
        "database",
        stateful=True,
    ),
    # Storage and operations
    Kind(
        "s3.bucket",
        "Amazon S3",
        "Bucket",
        "aws.storage.S3",
        "regional",
        "storage",
        stateful=True,
        regional_managed=True,
    ),
    Kind(
        "logs.log-group",
        "Amazon CloudWatch Logs",
        "Log group",
        "aws.management.CloudwatchLogs",
        "regional",
        "management",
        draw=False,
        regional_managed=True,
    ),
    Kind(
        "secretsmanager.secret",
        "AWS Secrets Manager",
        "Secret",
        "aws.security.SecretsManager",
        "regional",
        "security",
        draw=False,
        regional_managed=True,
    ),
)

KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}


def kind(key: str) -> Kind:
    return KINDS[key]


def register(*kinds: Kind) -> None:
    """Add kinds defined next to the statements that create them."""
    for new in kinds:
        if new.key in KINDS:
            raise ValueError(f"component kind '{new.key}' is registered twice")
        KINDS[new.key] = new


# Regions and their Availability Zones, as AWS lists them for a new account
# (AWS Global Infrastructure pages, read 2025). AZ names map to different
# physical zones in each account. us-west-1 and ap-northeast-1 offer new
# accounts fewer zones than they have, so only those are listed.
_REGION_AZ_LETTERS: dict[str, str] = {
    "us-east-1": "abcdef",
    "us-east-2": "abc",
    "us-west-1": "ac",
    "us-west-2": "abcd",
    "ca-central-1": "abd",
    "sa-east-1": "abc",
    "eu-west-1": "abc",
    "eu-west-2": "abc",
    "eu-west-3": "abc",
    "eu-central-1": "abc",
    "eu-central-2": "abc",
    "eu-north-1": "abc",
    "eu-south-1": "abc",
    "eu-south-2": "abc",
    "ap-south-1": "abc",
    "ap-south-2": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "abc",
    "ap-southeast-3": "abc",
    "ap-southeast-4": "abc",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ap-northeast-3": "abc",
    "ap-east-1": "abc",
    "af-south-1": "abc",
    "me-south-1": "abc",
    "me-central-1": "abc",
    "il-central-1": "abc",
}

REGIONS: tuple[str, ...] = tuple(_REGION_AZ_LETTERS)


def availability_zones(region: str) -> tuple[str, ...]:
    return tuple(region + letter for letter in _REGION_AZ_LETTERS[region])
