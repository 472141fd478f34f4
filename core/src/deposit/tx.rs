//! Deposit transaction encoding: `0x7E ++ rlp([sourceHash, from, to, mint, value, gas,
//! isSystemTx, data])` (spec: deposits.md § The Deposited Transaction Type), via op-alloy's
//! [`TxDeposit`].

use super::DepositError;
use alloc::vec::Vec;
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{B256, Bytes, keccak256};
use op_alloy_consensus::TxDeposit;

/// The EIP-2718 type byte of deposit transactions.
pub const DEPOSIT_TX_TYPE: u8 = 0x7E;

/// The raw (EIP-2718) encoding of a deposit: `0x7E ++ rlp(fields)`, as it appears in a block's
/// transaction list and in payload attributes.
pub fn encode_deposit(tx: &TxDeposit) -> Bytes {
    let mut out = Vec::with_capacity(tx.encode_2718_len());
    tx.encode_2718(&mut out);
    out.into()
}

/// The transaction hash of a deposit: keccak256 of [`encode_deposit`].
pub fn deposit_tx_hash(tx: &TxDeposit) -> B256 {
    keccak256(encode_deposit(tx))
}

/// Decodes a raw deposit transaction. Strict: the type byte must be `0x7E`, the RLP canonical,
/// and nothing may follow it.
pub fn decode_deposit(raw: &[u8]) -> Result<TxDeposit, DepositError> {
    let (&ty, mut body) = raw.split_first().ok_or(DepositError::NotADeposit(None))?;
    if ty != DEPOSIT_TX_TYPE {
        return Err(DepositError::NotADeposit(Some(ty)));
    }
    let tx = TxDeposit::rlp_decode(&mut body).map_err(DepositError::Rlp)?;
    if !body.is_empty() {
        return Err(DepositError::TrailingBytes(body.len()));
    }
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{TxKind, U256, address, b256, hex};

    /// The viem `getL2TransactionHash` vector (deposits/deposit-vectors.EXTRACTED.json).
    const RAW: &[u8] = &hex!(
        "7ef852a02b20821e4d5b3903456a7f19d5a8e867a503b2f1e82ed9b083cc71a7b6437b72941a1e021a302c237453d3d45c7b82b19ceeb7e2e6941a1e021a302c237453d3d45c7b82b19ceeb7e2e680458252088080"
    );

    #[test]
    fn rule_4_4_deposit_encoding_and_hash() {
        let tx = decode_deposit(RAW).unwrap();
        assert_eq!(tx.from, address!("1a1E021A302C237453D3D45c7B82B19cEEB7E2e6"));
        assert_eq!(tx.to, TxKind::Call(tx.from));
        assert_eq!((tx.mint, tx.value, tx.gas_limit), (0, U256::from(69), 21_000));
        assert!(!tx.is_system_transaction && tx.input.is_empty());
        assert_eq!(encode_deposit(&tx).as_ref(), RAW);
        assert_eq!(
            deposit_tx_hash(&tx),
            b256!("0a60b983815ed475c5919609025204a479654d93afc610feca7d99ae0befc329")
        );
        assert_eq!(deposit_tx_hash(&tx), tx.tx_hash());
    }

    #[test]
    fn rule_4_4_decode_rejects_malformed() {
        assert_eq!(decode_deposit(&[]), Err(DepositError::NotADeposit(None)));
        assert_eq!(decode_deposit(&RAW[1..]), Err(DepositError::NotADeposit(Some(0xf8))));
        let mut typed2 = RAW.to_vec();
        typed2[0] = 0x02;
        assert_eq!(decode_deposit(&typed2), Err(DepositError::NotADeposit(Some(2))));
        let mut trailing = RAW.to_vec();
        trailing.push(0);
        assert_eq!(decode_deposit(&trailing), Err(DepositError::TrailingBytes(1)));
        for cut in 1..RAW.len() {
            assert!(
                matches!(decode_deposit(&RAW[..cut]), Err(DepositError::Rlp(_))),
                "cut at {cut}"
            );
        }
        // isSystemTx must be 0x80 or 0x01.
        let mut bad_bool = RAW.to_vec();
        let at = bad_bool.len() - 2;
        bad_bool[at] = 0x02;
        assert!(matches!(decode_deposit(&bad_bool), Err(DepositError::Rlp(_))));
    }
}
