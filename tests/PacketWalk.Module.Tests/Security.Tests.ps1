# Snapshot content is data: nothing in it is executed, expanded or followed, however the results are shown.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # A payload that creates a file if anything ever evaluates it as PowerShell.
    $script:Sentinel = Join-Path $TestDrive 'payload-ran.txt'
    $script:Payload = "`$(New-Item -ItemType File -Path '$Sentinel')"
    $script:ExpandMe = '${env:PACKETWALK_SECURITY_SECRET} %PACKETWALK_SECURITY_SECRET% $PACKETWALK_SECURITY_SECRET'
    $env:PACKETWALK_SECURITY_SECRET = 'expanded-secret-7f3a'

    # The corpus base estate with the payload as the id of HOST A's network ACL (which now denies everything inbound,
    # so the id becomes the verdict's BlockedAt) and as every Name tag.
    $base = Join-Path $RepoRoot 'tests/bad-snapshots/tgw-route-to-deleted-attachment/snapshot'
    $script:Crafted = Join-Path $TestDrive 'crafted'
    $null = New-Item -ItemType Directory -Path $Crafted
    $aclId = 'acl-0a0000000000000a1'
    $script:PayloadAclId = "acl-$Payload"
    foreach ($file in Get-ChildItem -LiteralPath $base -Filter *.json) {
        $doc = Get-Content -Raw -LiteralPath $file.FullName | ConvertFrom-Json -AsHashtable
        foreach ($key in @($doc.Keys)) {
            foreach ($item in @($doc[$key])) {
                if ($item -is [System.Collections.IDictionary]) { $item['Tags'] = @(@{ Key = 'Name'; Value = "$Payload $ExpandMe" }) }
            }
        }
        if ($file.Name -eq 'NetworkAcls.json') {
            $acl = $doc.NetworkAcls | Where-Object { $_.NetworkAclId -eq $aclId }
            $acl.Entries = @(
                @{ RuleNumber = 50; Protocol = '-1'; RuleAction = 'deny'; Egress = $false; CidrBlock = '0.0.0.0/0' },
                @{ RuleNumber = 100; Protocol = '-1'; RuleAction = 'allow'; Egress = $true; CidrBlock = '0.0.0.0/0' })
        }
        $json = ($doc | ConvertTo-Json -Depth 20).Replace($aclId, $PayloadAclId.Replace('\', '\\').Replace('"', '\"'))
        [System.IO.File]::WriteAllText((Join-Path $Crafted $file.Name), $json)
    }
}

AfterAll {
    Remove-Item Env:PACKETWALK_SECURITY_SECRET -ErrorAction SilentlyContinue
}

Describe 'Snapshot content is never executed or expanded' {
    It 'control: the payload does create its file when PowerShell expands it' {
        $control = Join-Path $TestDrive 'control-ran.txt'
        $null = $ExecutionContext.InvokeCommand.ExpandString($Payload.Replace($Sentinel, $control))
        Test-Path -LiteralPath $control | Should -BeTrue -Because 'otherwise the tests below could not notice an evaluation'
    }

    It 'walks the crafted snapshot, shows the results every usual way, and the payload never runs' {
        $snapshot = Import-PacketWalkSnapshot -Path $Crafted -WarningAction SilentlyContinue
        $r = Test-PacketPath -Source 'i-0a0000000000000a1' -Destination 'i-0b0000000000000b1' -Port 443 -Snapshot $snapshot
        $r.Verdict | Should -Be 'Blocked'
        $r.BlockedAt | Should -Be $PayloadAclId -Because 'the id comes back exactly as written'
        $hops = Get-PacketPath -Source 'i-0a0000000000000a1' -Destination 'i-0b0000000000000b1' -Port 443 -Snapshot $snapshot
        $nacl = Test-NaclHop -NetworkAclId $PayloadAclId -Direction Inbound -Address 10.2.1.10 -Port 443 -Snapshot $snapshot

        $shown = @(
            $r | Format-Table | Out-String -Width 400
            $r | Format-List * | Out-String -Width 400
            $hops | Format-Table | Out-String -Width 400
            $hops | Format-List * | Out-String -Width 400
            $nacl | Format-List * | Out-String -Width 400
            $r | ConvertTo-Json -Depth 5
            $hops | ConvertTo-Csv
            "$r"
        ) -join "`n"
        $shown | Should -Match ([regex]::Escape($PayloadAclId))
        Test-Path -LiteralPath $Sentinel | Should -BeFalse -Because 'nothing from the snapshot may be evaluated'
        $shown | Should -Not -Match 'expanded-secret-7f3a'
    }

    It 'keeps Name tags verbatim (no variable or environment expansion)' {
        $snapshot = Import-PacketWalkSnapshot -Path $Crafted -WarningAction SilentlyContinue
        $names = @($snapshot.Model.Vpcs.Values.Name)
        $names.Count | Should -Be 2
        $names | ForEach-Object { $_ | Should -BeExactly "$Payload $ExpandMe" }
        Test-Path -LiteralPath $Sentinel | Should -BeFalse
    }

    It 'errors that quote snapshot content do not evaluate it either' {
        $broken = Join-Path $TestDrive 'broken'
        $null = New-Item -ItemType Directory -Path $broken
        Set-Content -LiteralPath (Join-Path $broken 'Vpcs.json') -Value ('{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"' + $Payload.Replace('\', '\\') + '"}]}')
        $err = try { Import-PacketWalkSnapshot -Path $broken; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SnapshotInvalidValue,*'
        ($err | Out-String) + $err.Exception.Message | Should -Match 'New-Item'
        Test-Path -LiteralPath $Sentinel | Should -BeFalse
    }
}
