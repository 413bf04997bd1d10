"""Container statements: clusters, node groups, services, images and delivery."""

from __future__ import annotations

from archdsl.language.core import DOMAIN
from archdsl.language.spec import (
    ClauseSpec,
    OptionSpec,
    StatementSpec,
    WordSet,
    register,
)
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

SECTION = "Containers and delivery"

DAY = 86400

#: A Kubernetes namespace: a DNS label of at most 63 characters.
NAMESPACE = Text(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", "batch")

INSTANCE = Text(r"[a-z][a-z0-9-]*\.[a-z0-9]+", "m6i.large")

ON_CLUSTER = ClauseSpec(
    "on", "cluster", Reference(), "The cluster (a `cluster` statement) it runs on."
)

KEY_OPTION = OptionSpec(
    "key",
    Reference(),
    "Customer managed KMS key (a `kms` statement) that encrypts it.",
    "an AWS managed key",
)

CLUSTER = StatementSpec(
    keyword="cluster",
    summary="A container cluster: Amazon EKS (managed Kubernetes) or Amazon ECS.",
    example="cluster apps eks version=1.33 autoscaler=karpenter",
    words=(
        WordSet(
            "orchestrator",
            {
                "eks": "Amazon EKS: a managed Kubernetes control plane",
                "ecs": "Amazon ECS: AWS's own container orchestrator",
            },
            "The orchestrator.",
            "eks",
        ),
    ),
    options=(
        OptionSpec(
            "version", Text(r"1\.[0-9]{2}", "1.33"), "Kubernetes version (EKS).", "1.33"
        ),
        OptionSpec(
            "endpoint",
            Choice(("private", "public", "both")),
            "Where the Kubernetes API endpoint can be reached from (EKS): only "
            "inside the VPC, the internet, or both.",
            "private",
        ),
        OptionSpec(
            "autoscaler",
            Choice(("karpenter", "cluster-autoscaler", "none")),
            "What adds nodes for pending pods and removes idle ones (EKS).",
            "karpenter",
        ),
        OptionSpec(
            "insights",
            Bool(),
            "CloudWatch Container Insights: per-task or per-pod metrics and logs.",
            "on",
        ),
        OptionSpec(
            "logs",
            Bool(),
            "Control plane logs (API server, audit, authenticator) to CloudWatch "
            "Logs (EKS).",
            "on",
        ),
        OptionSpec(
            "log_retention",
            Duration(DAY, 3653 * DAY),
            "How long the control plane logs are kept.",
            "30d",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
    details=(
        "An EKS cluster draws as a box inside its VPC: the Kubernetes objects of "
        "its services sit inside, the node groups and load balancers they create "
        "around it in the subnets.",
    ),
)

NODEGROUP = StatementSpec(
    keyword="nodegroup",
    summary="An EKS managed node group: EC2 worker nodes in an Auto Scaling group.",
    example="nodegroup general on apps instance=m6i.large min=3 max=12",
    words=(
        WordSet(
            "capacity",
            {
                "on_demand": "On-Demand Instances",
                "spot": "Spot Instances, interrupted when EC2 needs the capacity",
            },
            "How the nodes are bought.",
            "on_demand",
        ),
    ),
    clauses=(
        ON_CLUSTER,
        ClauseSpec(
            "in",
            "subnet",
            Choice(("private", "public")),
            "Subnets the nodes sit in.",
            "private",
        ),
    ),
    options=(
        OptionSpec(
            "instance", INSTANCE, "EC2 instance type of the nodes.", "m6i.large"
        ),
        OptionSpec(
            "min", Int(0, 1000), "Minimum nodes.", "the cluster's AZ count, at least 2"
        ),
        OptionSpec("max", Int(1, 1000), "Maximum nodes.", "three times min"),
        OptionSpec("desired", Int(0, 1000), "Nodes to start with.", "min"),
        OptionSpec("azs", Int(1, 6), "AZs the nodes spread over.", "the VPC's AZs"),
        OptionSpec("disk", Size(), "Root volume size of each node.", "50GB"),
    ),
    label=True,
    section=SECTION,
)

FARGATE = StatementSpec(
    keyword="fargate",
    summary="An EKS Fargate profile: pods of a namespace run on Fargate, one "
    "micro-VM each, with no nodes to manage.",
    example="fargate batch on apps namespace=batch",
    clauses=(ON_CLUSTER,),
    options=(
        OptionSpec(
            "namespace", NAMESPACE, "Namespace whose pods the profile selects.", "name"
        ),
    ),
    label=True,
    section=SECTION,
)

SERVICE = StatementSpec(
    keyword="service",
    summary="A containerised service on a cluster: an ECS service with its tasks, "
    "or a Kubernetes Deployment with its Service, pods and autoscaler.",
    example="service web on apps image=storefront min=3 max=30 behind alb",
    words=(
        WordSet(
            "launch",
            {
                "fargate": "tasks on AWS Fargate, no instances to manage (ECS)",
                "ec2": "tasks on EC2 container instances (ECS)",
            },
            "Where ECS runs the tasks.",
            "fargate",
        ),
    ),
    clauses=(
        ON_CLUSTER,
        ClauseSpec(
            "behind",
            "balancer",
            Reference(),
            "What receives its traffic: `alb` (on EKS an Ingress that the AWS Load "
            "Balancer Controller turns into an ALB), `nlb` (on EKS a Service of "
            "type LoadBalancer), `none`, or the name of an `ingress` to share.",
            "alb",
        ),
    ),
    options=(
        OptionSpec(
            "internal",
            Bool(),
            "The load balancer is internal instead of internet-facing.",
            "off",
        ),
        OptionSpec(
            "min",
            Int(0, 1000),
            "Minimum tasks or pod replicas.",
            "the AZ count, at least 2",
        ),
        OptionSpec("max", Int(1, 1000), "Maximum tasks or replicas.", "four times min"),
        OptionSpec(
            "cpu_target",
            Int(10, 90),
            "Average CPU percentage that target tracking or the HPA keeps.",
            "60",
        ),
        OptionSpec("port", Int(1, 65535), "Port the containers listen on.", "8080"),
        OptionSpec(
            "health_check",
            Text(r"/[A-Za-z0-9/_.-]*", "/health"),
            "Path the load balancer checks.",
            "/health",
        ),
        OptionSpec(
            "image",
            Reference(),
            "ECR repository (an `ecr` statement) the image comes from.",
            "none",
        ),
        OptionSpec(
            "namespace",
            NAMESPACE,
            "Kubernetes namespace; a `fargate` profile for it runs the pods on "
            "Fargate (EKS).",
            "default",
        ),
        OptionSpec(
            "host", DOMAIN, "Host name the load balancer routes.", "the design's domain"
        ),
        OptionSpec(
            "cpu",
            Choice(("0.25", "0.5", "1", "2", "4", "8", "16")),
            "vCPUs of each task (ECS) or pod request (EKS).",
            "1",
        ),
        OptionSpec("memory", Size(), "Memory of each task or pod.", "2GB"),
        OptionSpec(
            "logs",
            Choice(("awslogs", "firelens")),
            "How container logs reach CloudWatch Logs: the awslogs driver, or a "
            "FireLens (Fluent Bit) sidecar that can route them anywhere.",
            "awslogs",
        ),
        OptionSpec(
            "log_retention",
            Duration(DAY, 3653 * DAY),
            "How long the container logs are kept.",
            "30d",
        ),
        OptionSpec(
            "tls",
            Bool(),
            "HTTPS or TLS listener with an ACM certificate on the load balancer.",
            "on",
        ),
        OptionSpec(
            "passthrough",
            Bool(),
            "The NLB forwards TLS untouched on TCP 443 and the containers "
            "terminate it with their own certificates.",
            "off",
        ),
        OptionSpec(
            "mtls",
            Bool(),
            "The ALB asks clients for certificates and verifies them against "
            "the design's private CA (mutual TLS).",
            "off",
        ),
        OptionSpec(
            "waf",
            Bool(),
            "AWS WAF on an internet-facing ALB that no edge fronts.",
            "on",
        ),
        OptionSpec(
            "hpa", Bool(), "Horizontal Pod Autoscaler on the Deployment (EKS).", "on"
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "On ECS each AZ gets a share of the tasks in its private subnet, and the "
        "load balancer targets task IPs. On EKS the Deployment, ReplicaSet, "
        "Service, pods and Horizontal Pod Autoscaler draw inside the cluster box; "
        "pods in a namespace that a `fargate` profile selects run on Fargate, the "
        "others on the node groups.",
    ),
)

INGRESS = StatementSpec(
    keyword="ingress",
    summary="One load balancer shared by several services that route to it with "
    "`behind <ingress>`: an ALB with host and path rules.",
    example="ingress front on apps host=shop.example.com",
    clauses=(ON_CLUSTER,),
    options=(
        OptionSpec(
            "internal",
            Bool(),
            "The ALB is internal instead of internet-facing.",
            "off",
        ),
        OptionSpec(
            "host", DOMAIN, "Host name the ALB answers for.", "the design's domain"
        ),
        OptionSpec(
            "tls", Bool(), "HTTPS listener with an ACM certificate on the ALB.", "on"
        ),
        OptionSpec(
            "mtls",
            Bool(),
            "The ALB verifies client certificates against the design's private CA.",
            "off",
        ),
        OptionSpec(
            "waf", Bool(), "AWS WAF on the ALB when it is internet-facing.", "on"
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "On EKS the ingress is a Kubernetes Ingress in an IngressGroup, which the "
        "AWS Load Balancer Controller turns into one ALB; on ECS it is an ALB with "
        "one listener rule per service.",
    ),
)

ECR = StatementSpec(
    keyword="ecr",
    summary="An Amazon ECR repository for container images.",
    example="ecr storefront",
    options=(
        OptionSpec(
            "scan",
            Bool(),
            "Scan each image for known vulnerabilities when it is pushed.",
            "on",
        ),
        OptionSpec(
            "immutable",
            Bool(),
            "Tags cannot be overwritten, so a tag names one image forever.",
            "on",
        ),
        OptionSpec("keep", Int(1, 10000), "Images kept; older ones are expired.", "30"),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

PIPELINE = StatementSpec(
    keyword="pipeline",
    summary="A release pipeline: AWS CodePipeline runs an AWS CodeBuild build "
    "that pushes an image, then deploys it to services.",
    example="pipeline release source=github push=storefront deploy=[web]",
    options=(
        OptionSpec(
            "source",
            Choice(("github", "gitlab", "bitbucket", "codecommit", "s3")),
            "Where the source code comes from.",
            "github",
        ),
        OptionSpec("push", Reference(), "ECR repository the build pushes to.", "none"),
        OptionSpec(
            "deploy",
            ListOf(Reference()),
            "Services the pipeline deploys the new image to.",
            "none",
        ),
        OptionSpec(
            "approval",
            Bool(),
            "A manual approval step before the deploy stage.",
            "off",
        ),
        OptionSpec(
            "compute",
            Choice(("small", "medium", "large")),
            "CodeBuild compute size.",
            "medium",
        ),
    ),
    label=True,
    section=SECTION,
)

SECRET = StatementSpec(
    keyword="secret",
    summary="A secret in AWS Secrets Manager, such as database credentials or an "
    "API key.",
    example="secret db-creds rotation=30d",
    options=(
        OptionSpec(
            "rotate", Bool(), "Secrets Manager rotates the secret on a schedule.", "on"
        ),
        OptionSpec(
            "rotation",
            Duration(4 * 3600, 365 * DAY),
            "Time between rotations.",
            "30d",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

PARAM = StatementSpec(
    keyword="param",
    summary="Configuration in AWS Systems Manager Parameter Store.",
    example="param app-config",
    options=(
        OptionSpec(
            "secure",
            Bool(),
            "A SecureString, encrypted with KMS, for values that must stay secret.",
            "off",
        ),
        OptionSpec(
            "tier",
            Choice(("standard", "advanced")),
            "Parameter tier: advanced holds up to 8 KB and takes policies.",
            "standard",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
)

register(CLUSTER, NODEGROUP, FARGATE, SERVICE, INGRESS, ECR, PIPELINE, SECRET, PARAM)
