import Foundation
import RunLocalAICore

/// Owning hardware against renting a GPU or paying an API, for one question: the price (the one price rule, or
/// the user's own), the device's TDP, and the answer's decode speed (evidence applied).
///
/// ```swift
/// let c = try await service.cost(CostQuestion(question: q))
/// c.report.breakeven_months_vs_api
/// ```
public struct CostQuestion: Sendable, Hashable {
    public var question: Question
    /// The purchase price in USD for the whole selection; nil quotes the catalog (new at street, else used).
    public var priceUSD: Double?
    /// Which catalog price to quote when `priceUSD` is nil; nil takes the cheapest current one.
    public var condition: HardwareDevice.PriceCondition?
    public var tdpW: Double?
    public var hoursPerDay: Double?
    public var utilisation: Double?
    public var electricityUSDPerKWh: Double?
    public var cloudGPUHourlyUSD: Double?
    public var apiUSDPerMillionTokens: Double?

    public init(question: Question, priceUSD: Double? = nil, condition: HardwareDevice.PriceCondition? = nil, tdpW: Double? = nil,
                hoursPerDay: Double? = nil, utilisation: Double? = nil, electricityUSDPerKWh: Double? = nil,
                cloudGPUHourlyUSD: Double? = nil, apiUSDPerMillionTokens: Double? = nil) {
        self.question = question; self.priceUSD = priceUSD; self.condition = condition; self.tdpW = tdpW; self.hoursPerDay = hoursPerDay
        self.utilisation = utilisation; self.electricityUSDPerKWh = electricityUSDPerKWh; self.cloudGPUHourlyUSD = cloudGPUHourlyUSD
        self.apiUSDPerMillionTokens = apiUSDPerMillionTokens
    }
}

/// The cost answer: every input it used, and the report.
public struct CostAnswer: Sendable {
    public var answer: Answer
    public var priceUSD: Double
    /// Where the price came from: "street", "used", or "given".
    public var priceBasis: String
    public var tdpW: Double
    public var query: CloudCostQuery
    public var report: CloudCostReport
}

extension AnswerService {
    public func cost(_ c: CostQuestion) async throws -> CostAnswer {
        let a = try await answer(c.question)
        guard let sel = a.selection else {
            throw EstimateError.invalidSetting("cost needs a catalog device (its price and TDP); name the hardware")
        }
        let price: Double, basis: String
        if let p = c.priceUSD {
            price = p; basis = "given"
        } else if let cond = c.condition {
            guard let p = sel.device.price(cond) else {
                throw EstimateError.invalidSetting("\(sel.device.displayName) has no \(cond == .new ? "street" : "used") price in the catalog; give price=USD")
            }
            price = p * Double(sel.count); basis = cond == .new ? "street" : "used"
        } else {
            guard let p = sel.device.currentPrice else {
                throw EstimateError.invalidSetting("\(sel.device.displayName) has no current price in the catalog; give price=USD")
            }
            price = p.usd * Double(sel.count); basis = p.condition == .new ? "street" : "used"
        }
        guard let tdp = c.tdpW ?? sel.device.tdpW.map({ $0 * Double(sel.count) }) else {
            throw EstimateError.invalidSetting("\(sel.device.displayName) has no TDP in the catalog; give tdp=W")
        }
        let d = CloudCostQuery(hardwarePriceUSD: price, tdpW: tdp, decodeTPS: a.runs ? a.decode.expected : 0)
        let q = CloudCostQuery(hardwarePriceUSD: price, tdpW: tdp, decodeTPS: d.decodeTPS, hoursPerDay: c.hoursPerDay ?? d.hoursPerDay,
                               utilisation: c.utilisation ?? d.utilisation, electricityUSDPerKWh: c.electricityUSDPerKWh ?? d.electricityUSDPerKWh,
                               cloudGPUHourlyUSD: c.cloudGPUHourlyUSD ?? d.cloudGPUHourlyUSD,
                               apiUSDPerMillionTokens: c.apiUSDPerMillionTokens ?? d.apiUSDPerMillionTokens)
        try q.validate()
        return CostAnswer(answer: a, priceUSD: price, priceBasis: basis, tdpW: tdp, query: q, report: CloudCost.compare(q))
    }
}
