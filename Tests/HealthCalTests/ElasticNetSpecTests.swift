import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `model.penalty` and `model.select` in the spec: what is accepted, and each bad input's message.
@Suite struct ElasticNetSpecTests {
    static func message(_ model: String) -> String? {
        let yaml = "data: {id: c, outcome: y}\nfeatures: [{name: x, type: numeric}]\nmodel: \(model)\n"
        do {
            _ = try Spec.parse(yaml: yaml, file: "s.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func penaltyIsReadAndRidgeMeansL2() throws {
        let spec = try Spec.parse(yaml: "data: {id: c, outcome: y}\nfeatures: [{name: x, type: numeric}]\nmodel: {penalty: {l1: 2.5, l2: 0.5}, select: path}\n")
        #expect(spec.model.l1 == 2.5 && spec.model.l2 == 0.5 && spec.model.select == .path)
        let ridge = try Spec.parse(yaml: "data: {id: c, outcome: y}\nfeatures: [{name: x, type: numeric}]\nmodel: {ridge: 3}\n")
        #expect(ridge.model.l1 == 0 && ridge.model.l2 == 3 && ridge.model.penalty == nil)
    }

    @Test func negativeLambdaIsNamed() throws {
        let m = try #require(Self.message("{penalty: {l1: -1}}"))
        #expect(m.contains("model.penalty.l1") && m.contains("-1") && m.contains(">= 0"))
    }

    @Test func lambdaAsTextIsNamed() throws {
        let m = try #require(Self.message("{penalty: {l2: lots}}"))
        #expect(m.contains("model.penalty.l2") && m.contains("number"))
    }

    @Test func ridgeAndPenaltyTogetherIsAnError() throws {
        let m = try #require(Self.message("{ridge: 1, penalty: {l1: 1}}"))
        #expect(m.contains("model.penalty") && m.contains("model.ridge") && m.contains("keep one"))
    }

    @Test func firthWithPenaltyOrSelectIsAnError() throws {
        let a = try #require(Self.message("{firth: true, penalty: {l1: 1}}"))
        #expect(a.contains("model.firth") && a.contains("model.penalty"))
        #expect(Self.message("{firth: true, select: path}")?.contains("model.select") == true)
    }

    @Test func unknownSelectionAndPenaltyKeysAreNamed() throws {
        let a = try #require(Self.message("{select: cv}"))
        #expect(a.contains("select") && a.contains("path"))
        let b = try #require(Self.message("{penalty: {lasso: 1}}"))
        #expect(b.contains("lasso") && b.contains("l1"))
    }

    @Test func aSpecWithoutPenaltyReEncodesWithoutTheNewKeys() throws {
        let spec = try Spec.parse(yaml: "data: {id: c, outcome: y}\nfeatures: [{name: x, type: numeric}]\nmodel: {ridge: 1}\n")
        let json = String(decoding: try JSONEncoder().encode(spec.model), as: UTF8.self)
        #expect(!json.contains("penalty") && !json.contains("select"))
    }
}
