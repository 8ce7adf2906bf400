using System.Text.Json.Nodes;
using static Supply.Deploy.Tests.Rendered;

namespace Supply.Deploy.Tests;

/// <summary>What both overlays must get right: ports, probes, Service, identity, security, resources, shutdown, RBAC.</summary>
public class OverlayTests
{
    public static readonly string[] Names = ["dev", "prod"];
    public static TheoryData<string> Overlays => new(Names);

    private const int GrpcPort = 5080;
    private const int HttpPort = 5082;
    private const int SiloPort = 11111;
    private const int GatewayPort = 30000;

    [Theory, MemberData(nameof(Overlays))]
    public void Renders_one_of_each_object_all_in_the_overlay_namespace(string overlay)
    {
        var r = Rendered.Of(overlay);
        Assert.False(string.IsNullOrEmpty(r.Namespace), $"{overlay}: the overlay sets no namespace");
        foreach (var (kind, name) in new[]
                 {
                     ("Deployment", "supply-server"), ("Service", "supply-grpc"), ("ServiceAccount", "supply-server"),
                     ("Role", "supply-server-orleans"), ("RoleBinding", "supply-server-orleans"),
                 })
        {
            r.Get(kind, name);
        }
        Assert.Single(r.OfKind("Deployment"));
        Assert.Single(r.OfKind("ConfigMap"));
        foreach (var o in r.Objects)
        {
            Assert.True(r.Namespace == (string?)o["metadata"]!["namespace"], $"{overlay}: {Describe(o)} is not in namespace {r.Namespace}");
            var labels = Map(o["metadata"]!["labels"]);
            Assert.True(labels.ContainsKey("app.kubernetes.io/name"), $"{overlay}: {Describe(o)} has no app.kubernetes.io/name label");
            Assert.True(labels.GetValueOrDefault("app.kubernetes.io/part-of") == "supply", $"{overlay}: {Describe(o)} lacks app.kubernetes.io/part-of=supply");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Container_ports_are_named_grpc_silo_gateway_and_agree_with_the_server_settings(string overlay)
    {
        var r = Rendered.Of(overlay);
        var ports = r.ContainerPorts;
        Assert.Equal(GrpcPort, ports.GetValueOrDefault("grpc"));
        Assert.Equal(HttpPort, ports.GetValueOrDefault("http"));
        Assert.Equal(SiloPort, ports.GetValueOrDefault("silo"));
        Assert.Equal(GatewayPort, ports.GetValueOrDefault("gateway"));
        Assert.All(Items(r.Container["ports"]), p => Assert.Equal("TCP", (string?)p["protocol"] ?? "TCP"));

        var env = r.SampleRuntimeEnvironment();
        Assert.Equal(ports["grpc"].ToString(), env.GetValueOrDefault("Supply__Listen__Port"));
        Assert.Equal(ports["http"].ToString(), env.GetValueOrDefault("Supply__Http__Port"));
        Assert.Equal("0.0.0.0", env.GetValueOrDefault("Supply__Http__Address"));
        Assert.Equal(ports["silo"].ToString(), env.GetValueOrDefault("Supply__Silo__SiloPort"));
        Assert.Equal(ports["gateway"].ToString(), env.GetValueOrDefault("Supply__Silo__GatewayPort"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Startup_readiness_and_liveness_are_grpc_probes_on_the_grpc_container_port(string overlay)
    {
        var r = Rendered.Of(overlay);
        foreach (var probeName in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var probe = r.Container[probeName] as JsonObject;
            Assert.True(probe is not null, $"{overlay}: the server container has no {probeName}");
            Assert.True(probe!["grpc"] is JsonObject, $"{overlay}: {probeName} is not a grpc probe: {probe.ToJsonString()}");
            Assert.Null(probe["httpGet"]);
            Assert.Null(probe["tcpSocket"]);
            Assert.Null(probe["exec"]);
            var port = Int(probe["grpc"]!["port"]);
            Assert.Equal(GrpcPort, port);
            Assert.Contains(port!.Value, r.ContainerPorts.Values);
            // Startup and readiness ask for the server's overall health (the empty name: the silo answers);
            // liveness asks for "liveness" (the process answers), so a storage outage never restarts every pod.
            var expected = probeName == "livenessProbe" ? "liveness" : "";
            Assert.True(((string?)probe["grpc"]!["service"] ?? "") == expected, $"{overlay}: {probeName} should ask for health service '{expected}'");
            // The server's health check waits up to 5 s for the silo: a shorter probe timeout would fail a healthy pod.
            Assert.True((Int(probe["timeoutSeconds"]) ?? 1) > 5, $"{overlay}: {probeName}.timeoutSeconds must exceed the server's 5 s health check");
        }
        // The startup probe allows the silo minutes to open storage and join the cluster.
        var startup = r.Container["startupProbe"]!;
        Assert.True((Int(startup["periodSeconds"]) ?? 10) * (Int(startup["failureThreshold"]) ?? 3) >= 120);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Service_supply_grpc_targets_the_grpc_port_and_selects_the_deployments_pods(string overlay)
    {
        var r = Rendered.Of(overlay);
        foreach (var name in new[] { "supply-grpc", "supply-grpc-headless" })
        {
            var svc = r.Get("Service", name);
            var spec = svc["spec"]!;
            if (name == "supply-grpc") Assert.Equal("ClusterIP", (string?)spec["type"] ?? "ClusterIP");
            else Assert.Equal("None", (string?)spec["clusterIP"]);

            var ports = Items(spec["ports"]).ToList();
            Assert.Equal(["grpc", "http"], ports.Select(p => (string?)p["name"]));
            var http = ports[1];
            Assert.Equal(HttpPort, Int(http["port"]));
            Assert.Equal(HttpPort, Int(http["targetPort"]) ?? r.ContainerPorts.GetValueOrDefault(Scalar(http["targetPort"]) ?? "", -1));
            var port = ports[0];
            Assert.Equal("grpc", (string?)port["name"]);
            Assert.Equal(GrpcPort, Int(port["port"]));
            Assert.Equal("grpc", (string?)port["appProtocol"]);
            // targetPort is a name or a number; either way it must be a port the container declares, and 5080.
            var target = port["targetPort"];
            var targetNumber = Int(target) ?? r.ContainerPorts.GetValueOrDefault(Scalar(target) ?? "", -1);
            Assert.True(targetNumber == GrpcPort, $"{overlay}: {name} targetPort {Scalar(target)} does not resolve to the container's grpc port {GrpcPort}");

            var selector = Map(spec["selector"]);
            Assert.NotEmpty(selector);
            AssertSelects(selector, r.PodLabels, $"{overlay}: Service {name}");
        }

        // The Deployment's own selector must match its pod template.
        var matchLabels = Map(r.Deployment["spec"]!["selector"]!["matchLabels"]);
        Assert.NotEmpty(matchLabels);
        AssertSelects(matchLabels, r.PodLabels, $"{overlay}: Deployment selector");
        Assert.Null(r.Deployment["spec"]!["selector"]!["matchExpressions"]);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Pods_carry_the_orleans_labels_and_the_silo_identity_comes_from_them(string overlay)
    {
        var r = Rendered.Of(overlay);
        var labels = r.PodLabels;
        Assert.False(string.IsNullOrWhiteSpace(labels.GetValueOrDefault("orleans/serviceId")), $"{overlay}: pods lack the orleans/serviceId label");
        Assert.False(string.IsNullOrWhiteSpace(labels.GetValueOrDefault("orleans/clusterId")), $"{overlay}: pods lack the orleans/clusterId label");
        // The service id is part of every storage key: the same in every environment.
        Assert.Equal("supply", labels["orleans/serviceId"]);

        var env = r.SampleRuntimeEnvironment();
        Assert.Equal(labels["orleans/serviceId"], env.GetValueOrDefault("ORLEANS_SERVICE_ID"));
        Assert.Equal(labels["orleans/clusterId"], env.GetValueOrDefault("ORLEANS_CLUSTER_ID"));
        // Nothing else may set the silo identity to something the labels do not say.
        Assert.False(env.ContainsKey("Supply__Silo__ServiceId"), $"{overlay}: Supply__Silo__ServiceId would compete with ORLEANS_SERVICE_ID");
        Assert.False(env.ContainsKey("Supply__Silo__ClusterId"), $"{overlay}: Supply__Silo__ClusterId would compete with ORLEANS_CLUSTER_ID");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Downward_api_gives_the_pod_name_namespace_and_ip_and_the_silo_advertises_the_pod_ip(string overlay)
    {
        var env = Rendered.Of(overlay).Environment;
        Assert.Equal("metadata.name", env.GetValueOrDefault("POD_NAME")?.FieldPath);
        Assert.Equal("metadata.namespace", env.GetValueOrDefault("POD_NAMESPACE")?.FieldPath);
        Assert.Equal("status.podIP", env.GetValueOrDefault("POD_IP")?.FieldPath);
        Assert.Equal("status.podIP", env.GetValueOrDefault("Supply__Silo__AdvertisedAddress")?.FieldPath);
        Assert.Equal("metadata.labels['orleans/serviceId']", env.GetValueOrDefault("ORLEANS_SERVICE_ID")?.FieldPath);
        Assert.Equal("metadata.labels['orleans/clusterId']", env.GetValueOrDefault("ORLEANS_CLUSTER_ID")?.FieldPath);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Kestrel_listens_on_all_interfaces_on_the_grpc_port(string overlay)
    {
        var env = Rendered.Of(overlay).Environment;
        // Explicit env, not the ConfigMap: tied to the container port and probes.
        Assert.Equal(new EnvValue("Supply__Listen__Address", "0.0.0.0", null, null, "env"), env.GetValueOrDefault("Supply__Listen__Address"));
        Assert.Equal(new EnvValue("Supply__Listen__Port", "5080", null, null, "env"), env.GetValueOrDefault("Supply__Listen__Port"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_env_value_is_a_string_and_every_name_is_a_portable_variable_name(string overlay)
    {
        var r = Rendered.Of(overlay);
        foreach (var e in Items(r.Container["env"]))
        {
            if (e["value"] is { } value)
                Assert.True(value.GetValueKind() == System.Text.Json.JsonValueKind.String, $"{overlay}: env {e["name"]} has a non-string value {value.ToJsonString()} (the API server refuses it)");
        }
        foreach (var name in r.Environment.Keys)
        {
            // envFrom drops names outside [A-Za-z_][A-Za-z0-9_]* on older clusters (with only an event).
            Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", name);
        }
        foreach (var (key, value) in Map(r.OfKind("ConfigMap").Single()["data"]))
            Assert.True(r.OfKind("ConfigMap").Single()["data"]![key]!.GetValueKind() == System.Text.Json.JsonValueKind.String, $"{overlay}: ConfigMap value {key}={value} is not a string");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_configmap_is_generated_with_a_content_hash_and_feeds_the_container(string overlay)
    {
        var r = Rendered.Of(overlay);
        var cm = r.OfKind("ConfigMap").Single();
        var name = (string)cm["metadata"]!["name"]!;
        Assert.Matches("^supply-server-config-[a-z0-9]{10}$", name);
        var refs = Items(r.Container["envFrom"]).Select(f => (string?)f["configMapRef"]?["name"]).ToList();
        Assert.Equal([name], refs);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void No_secret_material_is_rendered(string overlay)
    {
        var r = Rendered.Of(overlay);
        Assert.Empty(r.OfKind("Secret"));
        foreach (var (key, value) in Map(r.OfKind("ConfigMap").Single()["data"]))
        {
            Assert.DoesNotContain("ConnectionString", key, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var e in Items(r.Container["env"]))
        {
            if (((string)e["name"]!).Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
                Assert.True(e["valueFrom"]?["secretKeyRef"] is not null, $"{overlay}: {e["name"]} must come from a Secret");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Pods_run_as_the_non_root_app_user_with_a_read_only_root_and_no_capabilities(string overlay)
    {
        var r = Rendered.Of(overlay);
        var pod = r.PodSpec["securityContext"]!;
        Assert.Equal(true, (bool?)pod["runAsNonRoot"]);
        Assert.Equal(Dockerfile.AppUid, Int(pod["runAsUser"]));
        Assert.NotEqual(0, Int(pod["runAsGroup"]) ?? 0);
        Assert.Equal("RuntimeDefault", (string?)pod["seccompProfile"]?["type"]);

        foreach (var c in Items(r.PodSpec["containers"]).Concat(Items(r.PodSpec["initContainers"])))
        {
            var sc = c["securityContext"];
            Assert.True(sc is not null, $"{overlay}: container {c["name"]} has no securityContext");
            Assert.Equal(true, (bool?)sc!["readOnlyRootFilesystem"]);
            Assert.Equal(false, (bool?)sc["allowPrivilegeEscalation"]);
            Assert.NotEqual(true, (bool?)sc["privileged"]);
            Assert.NotEqual(0, Int(sc["runAsUser"]) ?? -1);
            var drop = (sc["capabilities"]?["drop"] as JsonArray ?? []).Select(Scalar).ToList();
            Assert.True(drop.Contains("ALL"), $"{overlay}: container {c["name"]} does not drop ALL capabilities");
            Assert.Null(sc["capabilities"]?["add"]);
        }

        // A read-only root needs a writable /tmp (.NET diagnostics sockets, temp files).
        var tmp = Items(r.Container["volumeMounts"]).SingleOrDefault(m => (string?)m["mountPath"] == "/tmp");
        Assert.True(tmp is not null, $"{overlay}: nothing mounted at /tmp");
        var volume = Items(r.PodSpec["volumes"]).Single(v => (string?)v["name"] == (string?)tmp!["name"]);
        Assert.True(volume["emptyDir"] is JsonObject, $"{overlay}: /tmp should be an emptyDir");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Cpu_and_memory_requests_and_limits_are_set_and_fit_a_2_core_4_GiB_node(string overlay)
    {
        var resources = Rendered.Of(overlay).Container["resources"];
        Assert.True(resources is not null, $"{overlay}: no resources");
        foreach (var r in new[] { "cpu", "memory" })
        {
            var request = Scalar(resources!["requests"]?[r]);
            var limit = Scalar(resources["limits"]?[r]);
            Assert.True(request is not null && limit is not null, $"{overlay}: {r} request and limit must both be set");
            Assert.True(Quantity.Parse(request!) <= Quantity.Parse(limit!), $"{overlay}: {r} request {request} above limit {limit}");
        }
        Assert.True(Quantity.Parse(Scalar(resources!["limits"]!["cpu"])!) <= 2m);
        Assert.True(Quantity.Parse(Scalar(resources["limits"]!["memory"])!) <= 4m * 1024 * 1024 * 1024);
        Assert.True(Quantity.Parse(Scalar(resources["requests"]!["memory"])!) >= 512m * 1024 * 1024, $"{overlay}: an Orleans silo needs at least 512Mi");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Shutdown_leaves_orleans_time_to_hand_over_grains_before_the_kill(string overlay)
    {
        var r = Rendered.Of(overlay);
        var grace = Int(r.PodSpec["terminationGracePeriodSeconds"]) ?? 30;
        Assert.True(grace >= 30, $"{overlay}: terminationGracePeriodSeconds {grace} < 30");

        // The host's own shutdown timeout (HostOptions.ShutdownTimeout, from DOTNET_SHUTDOWNTIMEOUTSECONDS)
        // plus the preStop pause must end before Kubernetes sends SIGKILL.
        var env = r.SampleRuntimeEnvironment();
        Assert.True(env.TryGetValue("DOTNET_SHUTDOWNTIMEOUTSECONDS", out var text), $"{overlay}: DOTNET_SHUTDOWNTIMEOUTSECONDS not set (the host would give Orleans only 30 s)");
        var hostTimeout = int.Parse(text!);
        var preStop = Int(r.Container["lifecycle"]?["preStop"]?["sleep"]?["seconds"]) ?? 0;
        Assert.True(hostTimeout >= 30, $"{overlay}: host shutdown timeout {hostTimeout}s is short for a grain hand-over");
        Assert.True(preStop + hostTimeout < grace, $"{overlay}: preStop {preStop}s + host shutdown {hostTimeout}s must end before the {grace}s grace period");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_role_grants_the_orleans_kubernetes_agent_its_pod_verbs_and_is_bound_to_the_pods_service_account(string overlay)
    {
        var r = Rendered.Of(overlay);
        var serviceAccount = (string?)r.PodSpec["serviceAccountName"];
        Assert.False(string.IsNullOrEmpty(serviceAccount), $"{overlay}: the pods run as the default service account");
        r.Get("ServiceAccount", serviceAccount!);
        Assert.NotEqual(false, (bool?)r.PodSpec["automountServiceAccountToken"]);

        var binding = r.OfKind("RoleBinding").Single(b =>
            Items(b["subjects"]).Any(s => (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == serviceAccount && (string?)s["namespace"] == r.Namespace));
        Assert.Equal("Role", (string?)binding["roleRef"]!["kind"]);
        Assert.Equal("rbac.authorization.k8s.io", (string?)binding["roleRef"]!["apiGroup"]);
        var role = r.Get("Role", (string)binding["roleRef"]!["name"]!);

        var podRules = Items(role["rules"]).Where(rule =>
            (rule["apiGroups"] as JsonArray ?? []).Select(Scalar).Contains("") &&
            (rule["resources"] as JsonArray ?? []).Select(Scalar).Contains("pods")).ToList();
        var verbs = podRules.SelectMany(rule => (rule["verbs"] as JsonArray ?? []).Select(Scalar)).ToHashSet();
        // get/list/watch: follow the cluster's pods; delete: remove pods of dead silos; patch: the agent
        // writes the orleans/* labels on its own pod when they differ (Microsoft.Orleans.Hosting.Kubernetes 10.x).
        foreach (var verb in new[] { "get", "list", "watch", "delete", "patch" })
            Assert.True(verbs.Contains(verb), $"{overlay}: the Role does not grant '{verb}' on pods (has: {string.Join(", ", verbs)})");
        Assert.DoesNotContain("*", verbs);
        Assert.Empty(r.OfKind("ClusterRole"));
        Assert.Empty(r.OfKind("ClusterRoleBinding"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_image_is_pinned_to_a_tag_and_not_latest(string overlay)
    {
        var image = (string?)Rendered.Of(overlay).Container["image"];
        Assert.NotNull(image);
        Assert.Matches(@"^([a-z0-9.\-]+(:[0-9]+)?/)?[a-z0-9./_\-]*supply-server:[A-Za-z0-9._\-]+$", image);
        Assert.False(image!.EndsWith(":latest", StringComparison.Ordinal), $"{overlay}: image {image} uses :latest");
    }

    internal static void AssertSelects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels, string what)
    {
        foreach (var (key, value) in selector)
            Assert.True(labels.TryGetValue(key, out var actual) && actual == value,
                $"{what} selects {key}={value}, but the pods carry {key}={(labels.TryGetValue(key, out var v) ? v : "(none)")}");
    }
}
