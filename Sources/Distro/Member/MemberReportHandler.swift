public import NacosRemote

/// Answers `MemberReportRequest` on the cluster port (Nacos's `MemberReportHandler`): the reporting member
/// is marked UP with no failures, and the answer carries this node.
public struct MemberReportHandler: NacosRequestHandler {
    /// The member list the reports update.
    public let members: ServerMemberManager

    /// Creates the handler over `members`.
    public init(members: ServerMemberManager) {
        self.members = members
    }

    /// Records the report and answers with this node; a report without a usable node gets error 400
    /// "Node information is illegal".
    public func handle(_ request: MemberReportRequest, meta: NacosRequestMeta) async throws -> MemberReportResponse {
        guard let node = request.node, !node.ip.isEmpty, (1...65535).contains(node.port) else {
            var response = MemberReportResponse()
            response.setErrorInfo(.invalidParam, message: "Node information is illegal")
            return response
        }
        return MemberReportResponse(node: self.members.handleReport(from: node))
    }
}
