import NacosHTTP
import NacosRemote
import Testing

/// `PrometheusExposition`: the exact text format 0.0.4 output, escaping, validation, and histograms from
/// `NacosLatencyHistogram`.
@Suite struct MetricsPrometheusExpositionTests {
    /// The lines of `page`'s text.
    private func lines(of page: PrometheusExposition) -> [String] {
        page.text.split(separator: "\n").map(String.init)
    }

    @Test func smallRegistryIsWrittenExactly() throws {
        var page = PrometheusExposition()
        #expect(page.isEmpty)
        try page.addCounter(
            "nacos_requests_total",
            help: "Requests answered.",
            labels: ["type": "InstanceRequest", "result": "success"],
            value: 3
        )
        try page.addGauge("nacos_connections", help: "Open connections.", labels: ["source": "sdk"], value: 2)
        // A later sample joins its family (the first help text stays), whatever came in between.
        try page.addCounter("nacos_requests_total", help: "ignored", labels: ["type": "InstanceRequest", "result": "400"], value: 1)
        try page.addGauge("nacos_load", help: "Load average.", value: 0.25)
        try page.addHistogram(
            "nacos_latency_seconds",
            help: "Handling latency.",
            labels: ["type": "X"],
            buckets: [(upperBound: 0.1, cumulativeCount: 1), (upperBound: 1, cumulativeCount: 3)],
            sum: 1.5,
            count: 4
        )
        try page.addCounter("nacos_uptime_seconds_total", help: "Seconds up.", value: 12.5)
        #expect(!page.isEmpty)
        let expected = """
            # HELP nacos_requests_total Requests answered.
            # TYPE nacos_requests_total counter
            nacos_requests_total{result="success",type="InstanceRequest"} 3
            nacos_requests_total{result="400",type="InstanceRequest"} 1
            # HELP nacos_connections Open connections.
            # TYPE nacos_connections gauge
            nacos_connections{source="sdk"} 2
            # HELP nacos_load Load average.
            # TYPE nacos_load gauge
            nacos_load 0.25
            # HELP nacos_latency_seconds Handling latency.
            # TYPE nacos_latency_seconds histogram
            nacos_latency_seconds_bucket{type="X",le="0.1"} 1
            nacos_latency_seconds_bucket{type="X",le="1"} 3
            nacos_latency_seconds_bucket{type="X",le="+Inf"} 4
            nacos_latency_seconds_sum{type="X"} 1.5
            nacos_latency_seconds_count{type="X"} 4
            # HELP nacos_uptime_seconds_total Seconds up.
            # TYPE nacos_uptime_seconds_total counter
            nacos_uptime_seconds_total 12.5

            """
        #expect(page.text == expected)
        #expect(page.bytes == Array(expected.utf8))
        #expect(PrometheusExposition.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func labelValuesAndHelpAreEscaped() throws {
        var page = PrometheusExposition()
        try page.addGauge(
            "escaped",
            help: "first line\nsecond \\ line with \"quotes\"",
            labels: ["path": "C:\\dir\\\"x\"\nnext", "plain": "ünïcode ok"],
            value: 1
        )
        let expected = #"""
            # HELP escaped first line\nsecond \\ line with "quotes"
            # TYPE escaped gauge
            escaped{path="C:\\dir\\\"x\"\nnext",plain="ünïcode ok"} 1

            """#
        #expect(page.text == expected)
    }

    @Test func valuesAreFormattedForPrometheus() throws {
        var page = PrometheusExposition()
        let values: [Double] = [0, -0.0, 42, -7, 0.001, 1e-5, 1e20, .infinity, -.infinity, .nan]
        for (index, value) in values.enumerated() {
            try page.addGauge("v", help: "values", labels: ["i": String(index)], value: value)
        }
        try page.addCounter("big_total", help: "exact integers", value: UInt64.max)
        let samples = page.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(samples == ["0", "0", "42", "-7", "0.001", "1e-05", "1e+20", "+Inf", "-Inf", "NaN", "18446744073709551615"])
    }

    @Test func invalidNamesAreRefused() throws {
        var page = PrometheusExposition()
        for name in ["", "1abc", "a-b", "a b", "ä", "a.b"] {
            #expect(throws: PrometheusExpositionError.invalidMetricName(name)) {
                try page.addCounter(name, help: "x", value: 1)
            }
        }
        for label in ["", "9x", "a-b", "__reserved", "a:b"] {
            #expect(throws: PrometheusExpositionError.invalidLabelName(metric: "ok", label: label)) {
                try page.addGauge("ok", help: "x", labels: [label: "v"], value: 1)
            }
        }
        #expect(throws: PrometheusExpositionError.invalidLabelName(metric: "h", label: "le")) {
            try page.addHistogram("h", help: "x", labels: ["le": "1"], buckets: [], sum: 0, count: 0)
        }
        // Refused samples leave nothing behind; valid names with colons and underscores are accepted.
        #expect(page.isEmpty)
        try page.addCounter("ns:sub_metric_1", help: "x", labels: ["_private": "1", "le": "fine on a counter"], value: 1)
        #expect(page.text.contains("ns:sub_metric_1{_private=\"1\",le=\"fine on a counter\"} 1\n"))
    }

    @Test func familiesKeepOneTypeAndDistinctLabelSets() throws {
        var page = PrometheusExposition()
        try page.addCounter("requests_total", help: "x", labels: ["a": "1"], value: 1)
        #expect(throws: PrometheusExpositionError.typeMismatch(metric: "requests_total", existing: .counter, added: .gauge)) {
            try page.addGauge("requests_total", help: "x", value: 1)
        }
        #expect(throws: PrometheusExpositionError.duplicateSample(metric: "requests_total", labels: ["a": "1"])) {
            try page.addCounter("requests_total", help: "x", labels: ["a": "1"], value: 2)
        }
        try page.addCounter("requests_total", help: "x", labels: ["a": "2"], value: 2)
        #expect(self.lines(of: page).filter { $0 == "# TYPE requests_total counter" }.count == 1)
        #expect(page.text.hasSuffix("requests_total{a=\"1\"} 1\nrequests_total{a=\"2\"} 2\n"))
    }

    @Test func inconsistentHistogramsAreRefused() throws {
        var page = PrometheusExposition()
        #expect(throws: PrometheusExpositionError.self) {
            try page.addHistogram("h", help: "x", buckets: [(upperBound: 1, cumulativeCount: 1), (upperBound: 1, cumulativeCount: 1)], sum: 0, count: 1)
        }
        #expect(throws: PrometheusExpositionError.self) {
            try page.addHistogram("h", help: "x", buckets: [(upperBound: 1, cumulativeCount: 2), (upperBound: 2, cumulativeCount: 1)], sum: 0, count: 2)
        }
        #expect(throws: PrometheusExpositionError.self) {
            try page.addHistogram("h", help: "x", buckets: [(upperBound: 1, cumulativeCount: 3)], sum: 0, count: 2)
        }
        #expect(throws: PrometheusExpositionError.self) {
            try page.addHistogram("h", help: "x", buckets: [(upperBound: .infinity, cumulativeCount: 1)], sum: 0, count: 2)
        }
        #expect(throws: PrometheusExpositionError.self) {
            try page.addHistogram("h", help: "x", buckets: [(upperBound: .nan, cumulativeCount: 0)], sum: 0, count: 0)
        }
        #expect(page.isEmpty)
        // An explicit +Inf bucket is written once.
        try page.addHistogram("h", help: "x", buckets: [(upperBound: 1, cumulativeCount: 1), (upperBound: .infinity, cumulativeCount: 2)], sum: 3, count: 2)
        #expect(self.lines(of: page).filter { $0.contains("le=\"+Inf\"") }.count == 1)
    }

    @Test func latencyHistogramInSecondsAndMilliseconds() throws {
        var latency = NacosLatencyHistogram()
        latency.record(.milliseconds(3))
        latency.record(.milliseconds(3))
        latency.record(.milliseconds(700))

        var page = PrometheusExposition()
        try page.addHistogram("rpc_latency_seconds", help: "Latency.", labels: ["type": "InstanceRequest"], latency: latency)
        let seconds = """
            # HELP rpc_latency_seconds Latency.
            # TYPE rpc_latency_seconds histogram
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.001"} 0
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.002"} 0
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.005"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.01"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.025"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.05"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.1"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.25"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="0.5"} 2
            rpc_latency_seconds_bucket{type="InstanceRequest",le="1"} 3
            rpc_latency_seconds_bucket{type="InstanceRequest",le="2.5"} 3
            rpc_latency_seconds_bucket{type="InstanceRequest",le="5"} 3
            rpc_latency_seconds_bucket{type="InstanceRequest",le="+Inf"} 3
            rpc_latency_seconds_sum{type="InstanceRequest"} 0.706
            rpc_latency_seconds_count{type="InstanceRequest"} 3

            """
        #expect(page.text == seconds)

        var milliseconds = PrometheusExposition()
        try milliseconds.addHistogram("push_latency_milliseconds", help: "Push latency.", latency: latency, unit: .milliseconds)
        let lines = milliseconds.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 13 + 2)
        #expect(lines[2] == "push_latency_milliseconds_bucket{le=\"1\"} 0")
        #expect(lines[4] == "push_latency_milliseconds_bucket{le=\"5\"} 2")
        #expect(lines[13] == "push_latency_milliseconds_bucket{le=\"5000\"} 3")
        #expect(lines[14] == "push_latency_milliseconds_bucket{le=\"+Inf\"} 3")
        #expect(lines[15] == "push_latency_milliseconds_sum 706")
        #expect(lines[16] == "push_latency_milliseconds_count 3")

        // An empty histogram is still a complete family.
        var empty = PrometheusExposition()
        try empty.addHistogram("idle_seconds", help: "Nothing yet.", latency: NacosLatencyHistogram())
        #expect(empty.text.hasSuffix("idle_seconds_bucket{le=\"+Inf\"} 0\nidle_seconds_sum 0\nidle_seconds_count 0\n"))
    }
}
